// SPDX-License-Identifier: GPL-2.0-only
/*
 * schedkit: the front end of the schedkit command.
 *
 * Like git, `schedkit FOO ARGS...` runs the program `schedkit-FOO` (a C
 * binary or a script) with ARGS. Each subcommand is then an ordinary program
 * that can be written in whatever fits it, tested alone, and added without
 * touching this file. Subcommands find the rest of the installation through
 * SCHEDKIT_LIBEXECDIR and SCHEDKIT_DATADIR, which this sets.
 *
 * Run from a build tree, the subcommands are looked up in the build's tools/
 * directory (compiled ones) and then the source tools/ (scripts), and the
 * data (kernel-configs/) comes from the source tree, so nothing needs to be
 * installed to use a checkout.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PREFIX "schedkit-"

struct layout {
	const char *libexec[2];
	const char *datadir;
	const char *self;
	int uninstalled;
};

/*
 * Uninstalled, the scheduler binaries sit in build/scheds/NAME/: put those
 * directories first on PATH so that subcommands run the checkout's scx_*
 * rather than whatever an older install left in /usr/local/bin.
 */
static void path_add_build_scheds(void)
{
	DIR *d = opendir(SK_BUILD_ROOT "/scheds");
	const char *old = getenv("PATH") ?: "/usr/bin:/bin";
	struct dirent *e;
	size_t len = strlen(old) + 1;
	char *path;

	if (!d)
		return;
	while ((e = readdir(d)))
		len += strlen(SK_BUILD_ROOT "/scheds/") + strlen(e->d_name) + 1;
	path = malloc(len);
	if (!path) {
		closedir(d);
		return;
	}
	path[0] = '\0';
	rewinddir(d);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || e->d_type != DT_DIR)
			continue;
		strcat(path, SK_BUILD_ROOT "/scheds/");
		strcat(path, e->d_name);
		strcat(path, ":");
	}
	closedir(d);
	strcat(path, old);
	setenv("PATH", path, 1);
	free(path);
}

static void find_layout(struct layout *l)
{
	static char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	const char *env = getenv("SCHEDKIT_LIBEXECDIR");

	l->self = NULL;
	l->uninstalled = 0;
	if (n > 0) {
		self[n] = '\0';
		l->self = strdup(self);
		*strrchr(self, '/') = '\0';
	}
	if (n > 0 && !strcmp(self, SK_BUILD_TOOLS)) {
		l->libexec[0] = SK_BUILD_TOOLS;
		l->libexec[1] = SK_SOURCE_ROOT "/tools";
		l->datadir = SK_SOURCE_ROOT;
		l->uninstalled = 1;
	} else if (env) {
		/* a relocated install; a checkout always knows its own layout */
		l->libexec[0] = env;
		l->libexec[1] = NULL;
		l->datadir = getenv("SCHEDKIT_DATADIR") ?: SK_DATADIR;
	} else {
		l->libexec[0] = SK_LIBEXECDIR;
		l->libexec[1] = NULL;
		l->datadir = SK_DATADIR;
	}
}

static int list_commands(const struct layout *l, FILE *out)
{
	int found = 0;

	for (int i = 0; i < 2 && l->libexec[i]; i++) {
		DIR *d = opendir(l->libexec[i]);
		struct dirent *e;

		if (!d)
			continue;
		while ((e = readdir(d))) {
			const char *name = e->d_name + strlen(PREFIX);
			char path[PATH_MAX];

			if (strncmp(e->d_name, PREFIX, strlen(PREFIX)) ||
			    strchr(name, '.') || !strcmp(name, "vm-init"))
				continue;
			snprintf(path, sizeof(path), "%s/%s", l->libexec[i], e->d_name);
			if (access(path, X_OK))
				continue;
			fprintf(out, "  %s\n", name);
			found++;
		}
		closedir(d);
	}
	return found;
}

static void usage(const struct layout *l, FILE *out)
{
	fprintf(out,
		"usage: schedkit COMMAND [ARGS...]\n"
		"       schedkit COMMAND --help\n\n"
		"Commands:\n");
	list_commands(l, out);
}

int main(int argc, char **argv)
{
	struct layout l;
	const char *cmd, *denied = NULL;
	char path[PATH_MAX];

	find_layout(&l);
	if (argc < 2) {
		usage(&l, stderr);
		return 1;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		usage(&l, stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version")) {
		printf("schedkit %s\n", SK_VERSION);
		return 0;
	}
	if (cmd[0] == '-' || strchr(cmd, '/') || strchr(cmd, '.')) {
		fprintf(stderr, "schedkit: unknown option '%s' (see schedkit --help)\n", cmd);
		return 1;
	}

	setenv("SCHEDKIT_LIBEXECDIR", l.libexec[0], 1);
	setenv("SCHEDKIT_DATADIR", l.datadir, 1);
	if (l.self)
		setenv("SCHEDKIT_BIN", l.self, 1);
	if (l.uninstalled) {
		setenv("SCHEDKIT_SOURCE_ROOT", SK_SOURCE_ROOT, 1);
		setenv("SCHEDKIT_BUILD_ROOT", SK_BUILD_ROOT, 1);
		path_add_build_scheds();
	}
	for (int i = 0; i < 2 && l.libexec[i]; i++) {
		snprintf(path, sizeof(path), "%s/" PREFIX "%s", l.libexec[i], cmd);
		if (access(path, X_OK)) {
			/* a checkout in a private directory: say so, not "unknown" */
			if (errno == EACCES)
				denied = l.libexec[i];
			continue;
		}
		/* Scripts source their helpers from the directory they live in. */
		setenv("SCHEDKIT_LIBEXECDIR", l.libexec[i], 1);
		argv[1] = path;
		execv(path, argv + 1);
		fprintf(stderr, "schedkit: cannot run %s: %s\n", path, strerror(errno));
		return 126;
	}
	if (denied) {
		fprintf(stderr, "schedkit: cannot run '%s': %s is not readable by this user\n",
			cmd, denied);
		return 126;
	}
	fprintf(stderr, "schedkit: '%s' is not a schedkit command (see schedkit --help)\n", cmd);
	return 1;
}
