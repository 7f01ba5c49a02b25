// SPDX-License-Identifier: GPL-2.0-only
/*
 * The prepared start (schedkit/sched.h) from both ends, on any kernel:
 * the line exchange of lib/sched_ready.c over real socket pairs, how
 * tools/switcher.c tells a loader that speaks it from one that does not
 * without running it, and sw_switch() driving fake loaders
 * (fake-prepared-loader) through a fake sched_ext sysfs directory: the new
 * loader is loaded while the old scheduler still runs, a load failure
 * leaves the old one running untouched, an attach failure or an early
 * death rolls back, and a loader that does not speak it never sees the
 * socket. The run directory is a private one ($SCHEDKIT_RUNDIR), so the
 * tests also run beside a real scheduler on a sched_ext kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <cmocka.h>

#include <schedkit/sched.h>

#include "switcher.h"

static long long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* ---- the line exchange -------------------------------------------------- */

static void test_parse_fd(void **state)
{
	char buf[16];
	int sv[2], p[2], fd = -1;

	(void)state;
	assert_int_equal(sk_ready_parse_fd("", &fd), -EINVAL);
	assert_int_equal(sk_ready_parse_fd("abc", &fd), -EINVAL);
	assert_int_equal(sk_ready_parse_fd("3x", &fd), -EINVAL);
	assert_int_equal(sk_ready_parse_fd("-3", &fd), -EINVAL);
	assert_int_equal(sk_ready_parse_fd(" 3", &fd), -EINVAL);
	assert_int_equal(sk_ready_parse_fd("99999", &fd), -EINVAL);

	assert_int_equal(pipe(p), 0);
	snprintf(buf, sizeof(buf), "%d", p[0]);
	assert_int_equal(sk_ready_parse_fd(buf, &fd), -ENOTSOCK);
	close(p[0]);
	close(p[1]);

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	snprintf(buf, sizeof(buf), "%d", sv[1]);
	assert_int_equal(sk_ready_parse_fd(buf, &fd), 0);
	assert_int_equal(fd, sv[1]);
	close(sv[0]);
	close(sv[1]);
	assert_int_equal(sk_ready_parse_fd(buf, &fd), -EBADF);
}

static void test_lines_one_at_a_time(void **state)
{
	char buf[SK_READY_LINE_MAX];
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(sk_ready_send(sv[0], "loaded", SK_READY_MARKER), 0);
	assert_int_equal(sk_ready_send(sv[0], "attach", NULL), 0);
	assert_int_equal(sk_ready_send(sv[0], "attached", ""), 0);
	/* lines that arrive together still come out one by one */
	assert_int_equal(sk_ready_recv(sv[1], buf, sizeof(buf), 1000), 1);
	assert_string_equal(buf, "loaded " SK_READY_MARKER);
	assert_int_equal(sk_ready_recv(sv[1], buf, sizeof(buf), 1000), 1);
	assert_string_equal(buf, "attach");
	assert_int_equal(sk_ready_recv(sv[1], buf, sizeof(buf), 1000), 1);
	assert_string_equal(buf, "attached");
	close(sv[0]);
	assert_int_equal(sk_ready_recv(sv[1], buf, sizeof(buf), 1000), 0);
	close(sv[1]);
}

static void test_detail_stays_one_line(void **state)
{
	char buf[SK_READY_LINE_MAX], big[4 * SK_READY_LINE_MAX];
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(sk_ready_send(sv[0], "failed", "two\nlines\tand\x7f del"), 0);
	assert_int_equal(sk_ready_recv(sv[1], buf, sizeof(buf), 1000), 1);
	assert_string_equal(buf, "failed two lines and  del");

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(sk_ready_send(sv[0], "failed", big), 0);
	assert_int_equal(sk_ready_recv(sv[1], buf, sizeof(buf), 1000), 1);
	assert_int_equal(strlen(buf), SK_READY_LINE_MAX - 1);
	assert_memory_equal(buf, "failed xxx", 10);
	close(sv[0]);
	close(sv[1]);
}

static void test_recv_failures(void **state)
{
	char buf[SK_READY_LINE_MAX];
	long long t0;
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	t0 = ms_now();
	assert_int_equal(sk_ready_recv(sv[1], buf, sizeof(buf), 50), -ETIMEDOUT);
	assert_true(ms_now() - t0 >= 45);

	/* a line longer than the buffer */
	assert_int_equal(sk_ready_send(sv[0], "attached", NULL), 0);
	assert_int_equal(sk_ready_recv(sv[1], buf, 5, 1000), -EMSGSIZE);
	close(sv[0]);
	close(sv[1]);

	/* a NUL byte */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(write(sv[0], "at\0tach\n", 8), 8);
	assert_int_equal(sk_ready_recv(sv[1], buf, sizeof(buf), 1000), -EPROTO);
	close(sv[0]);
	close(sv[1]);

	/* the peer goes in the middle of a line */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(write(sv[0], "att", 3), 3);
	close(sv[0]);
	assert_int_equal(sk_ready_recv(sv[1], buf, sizeof(buf), 1000), -EPROTO);
	/* sending to a peer that is gone fails instead of killing us */
	assert_int_equal(sk_ready_send(sv[1], "loaded", NULL), -EPIPE);
	close(sv[1]);
}

/* ---- telling who speaks it ---------------------------------------------- */

static void write_file(const char *path, size_t pad, const char *text)
{
	FILE *f = fopen(path, "w");
	size_t i;

	assert_non_null(f);
	for (i = 0; i < pad; i++)
		fputc('a', f);
	fputs(text, f);
	for (i = 0; i < pad; i++)
		fputc('b', f);
	fclose(f);
}

static void test_marker_detection(void **state)
{
	char dir[] = "/tmp/sk-marker-XXXXXX", path[128], half[64];
	const char *fifo = getenv("SK_SCX_FIFO");
	const char *fake = getenv("SK_FAKE_LOADER");

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/at-start", dir);
	write_file(path, 0, SK_READY_MARKER);
	assert_true(sw_speaks_ready(path));

	/* cut in two by the scanner's 64 KiB reads */
	snprintf(path, sizeof(path), "%s/across", dir);
	write_file(path, 65536 - 10, SK_READY_MARKER);
	assert_true(sw_speaks_ready(path));

	setenv("SCHEDKIT_SWITCH_PREPARED", "0", 1);
	assert_false(sw_speaks_ready(path));
	unsetenv("SCHEDKIT_SWITCH_PREPARED");

	snprintf(half, sizeof(half), "%.*s", (int)strlen(SK_READY_MARKER) - 1,
		 SK_READY_MARKER);
	snprintf(path, sizeof(path), "%s/almost", dir);
	write_file(path, 70000, half);
	assert_false(sw_speaks_ready(path));

	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_false(sw_speaks_ready(path));
	assert_false(sw_speaks_ready(dir));
	assert_false(sw_speaks_ready("/bin/sh"));

	/* a real loader built on libschedkit, and the fake one */
	if (fifo)
		assert_true(sw_speaks_ready(fifo));
	if (fake)
		assert_true(sw_speaks_ready(fake));

	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

/* ---- sw_switch() against fake loaders ----------------------------------- */

struct fx {
	char dir[64];
	char sys[96];
	char events[96];
	struct sw_proc cur;
};

/* An old-style loader: attaches at once, no marker; notes its environment. */
static const char plain_loader[] =
	"#!/bin/bash\n"
	"sys=$SCHEDKIT_SYSFS\n"
	"echo \"plain load fd=[${SCHEDKIT_READY_FD:-}]\" >>\"$FAKE_EVENTS\"\n"
	"[ \"$(cat \"$sys/state\")\" = disabled ] || exit 1\n"
	"trap 'echo disabled >\"$sys/state\"; : >\"$sys/root/ops\";"
	" echo \"plain stopped\" >>\"$FAKE_EVENTS\"; exit 0' INT TERM\n"
	"echo plain >\"$sys/root/ops\"\n"
	"echo $(($(cat \"$sys/enable_seq\") + 1)) >\"$sys/enable_seq\"\n"
	"echo enabled >\"$sys/state\"\n"
	"while :; do sleep 0.05; done\n";

static void fx_put(const char *dir, const char *name, const char *val)
{
	char path[192];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(val, f);
	fclose(f);
}

static long long fx_seq(struct fx *f)
{
	char path[160], buf[32] = "";
	FILE *fp;

	snprintf(path, sizeof(path), "%s/enable_seq", f->sys);
	fp = fopen(path, "r");
	assert_non_null(fp);
	assert_non_null(fgets(buf, sizeof(buf), fp));
	fclose(fp);
	return atoll(buf);
}

static void fx_read(const char *path, char *buf, size_t len)
{
	FILE *fp = fopen(path, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (!fp)
		return;
	n = fread(buf, 1, len - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
}

static void fx_ops(struct fx *f, char *buf, size_t len)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/root/ops", f->sys);
	fx_read(path, buf, len);
}

static int fx_setup(void **state)
{
	static const char *const prepared[] = {
		"prep_good", "prep_badload", "prep_silent", "prep_attachfail",
		"prep_dies",
	};
	const char *fake = getenv("SK_FAKE_LOADER");
	struct fx *f = calloc(1, sizeof(*f));
	char path[192];
	size_t i;

	if (!f || !fake)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/sk-prepared-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->sys, sizeof(f->sys), "%s/sys", f->dir);
	snprintf(f->events, sizeof(f->events), "%s/events", f->dir);
	snprintf(path, sizeof(path), "%s/root", f->sys);
	if (mkdir(f->sys, 0755) || mkdir(path, 0755))
		return -1;
	fx_put(f->sys, "state", "disabled\n");
	fx_put(f->sys, "enable_seq", "0\n");
	fx_put(f->sys, "nr_rejected", "0\n");
	fx_put(f->sys, "switch_all", "1\n");
	fx_put(f->sys, "root/ops", "");
	fx_put(f->dir, "rcu_expedited", "0\n");
	fx_put(f->dir, "scx_plain", plain_loader);
	snprintf(path, sizeof(path), "%s/scx_plain", f->dir);
	chmod(path, 0755);
	for (i = 0; i < sizeof(prepared) / sizeof(prepared[0]); i++) {
		snprintf(path, sizeof(path), "%s/scx_%s", f->dir, prepared[i]);
		if (symlink(fake, path))
			return -1;
	}
	snprintf(path, sizeof(path), "%s/run", f->dir);
	if (mkdir(path, 0755))
		return -1;
	setenv("SCHEDKIT_SYSFS", f->sys, 1);
	setenv("SCHEDKIT_RUNDIR", path, 1);
	setenv("FAKE_EVENTS", f->events, 1);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;
	char err[256], cmd[128];
	long long l;

	if (f->cur.pid)
		sw_stop(&f->cur, NULL, &l, err, sizeof(err));
	sw_proc_clear(&f->cur);
	sw_state_clear();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd))
		return -1;
	unsetenv("SCHEDKIT_SYSFS");
	unsetenv("SCHEDKIT_RUNDIR");
	unsetenv("FAKE_EVENTS");
	free(f);
	return 0;
}

/*
 * Switches to scx_@name and checks that it returned @want; on a mismatch
 * says what the switcher said and what the fake loaders did, which tells
 * a lost signal from a missed state change.
 */
static void fx_switch(struct fx *f, const char *name, unsigned int settle_ms, int want,
		      struct sw_timing *t, bool *rb, char *err, size_t err_len)
{
	char exe[160], ev[8192];
	int ret;

	snprintf(exe, sizeof(exe), "%s/scx_%s", f->dir, name);
	err[0] = '\0';
	ret = sw_switch(&f->cur, exe, name, NULL, 10000, settle_ms, t, rb, err, err_len);
	if (ret == want)
		return;
	fx_read(f->events, ev, sizeof(ev));
	fail_msg("switch to %s returned %d (%s), not %d: '%s'; events:\n%s", name, ret,
		 strerror(-ret), want, err, ev);
}

/* @first occurs in the events, and before @then when that is not NULL. */
static void assert_events_order(struct fx *f, const char *first, const char *then)
{
	char ev[8192];
	const char *a, *b;

	fx_read(f->events, ev, sizeof(ev));
	a = strstr(ev, first);
	if (!a)
		fail_msg("'%s' not in the events:\n%s", first, ev);
	if (!then)
		return;
	b = strstr(ev, then);
	if (!b || b < a)
		fail_msg("'%s' not after '%s' in the events:\n%s", then, first, ev);
}

static void assert_has(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("expected '%s' in: %s", needle, hay);
}

static void test_switch_prepared(void **state)
{
	struct fx *f = *state;
	struct sw_timing t;
	char err[2048], ops[64], ev[8192], path[192];
	long long seq;
	pid_t pid;
	bool rb;

	/* an old-style loader never sees the socket, even one we inherited */
	setenv(SK_READY_ENV, "7", 1);
	fx_switch(f, "plain", 100, 0, &t, &rb, err, sizeof(err));
	unsetenv(SK_READY_ENV);
	assert_false(t.prepared);
	assert_events_order(f, "plain load fd=[]", NULL);
	seq = fx_seq(f);

	/* loaded while the old one still ran, which stopped only then */
	fx_switch(f, "prep_good", 100, 0, &t, &rb, err, sizeof(err));
	assert_true(t.prepared);
	assert_true(t.load_ms >= 150);	/* the fake "verifies" for 200 ms */
	assert_true(t.stop_ms >= 0);
	assert_true(t.attach_ms >= 0);
	assert_true(t.gap_ms >= 0);
	assert_true(t.gap_ms < t.load_ms);
	assert_events_order(f, "prep_good load prepared", "prep_good loaded while enabled");
	assert_events_order(f, "prep_good loaded while enabled", "plain stopped");
	assert_events_order(f, "plain stopped", "prep_good attached");
	/* grace periods expedited for the gap, and put back after */
	assert_events_order(f, "plain stopped", "prep_good attaching with rcu_expedited 1");
	snprintf(path, sizeof(path), "%s/rcu_expedited", f->dir);
	fx_read(path, ev, sizeof(ev));
	assert_string_equal(ev, "0");
	assert_int_equal(fx_seq(f), seq + 1);
	fx_ops(f, ops, sizeof(ops));
	assert_string_equal(ops, "prep_good");
	assert_string_equal(f->cur.name, "prep_good");
	assert_true(sw_proc_alive(&f->cur));
	seq = fx_seq(f);
	pid = f->cur.pid;

	/* a load failure: the old one was never stopped */
	fx_switch(f, "prep_badload", 100, -ECANCELED, &t, &rb, err, sizeof(err));
	assert_true(rb);
	assert_has(err, "scx_prep_badload failed to load (exit status 1): fake verifier: R1 invalid mem access");
	assert_has(err, "scx_prep_good kept running");
	assert_null(strchr(err, '\n'));
	assert_true(t.stop_ms < 0);
	assert_int_equal(fx_seq(f), seq);
	assert_int_equal(f->cur.pid, pid);
	assert_true(sw_proc_alive(&f->cur));

	/* the same when it says nothing on the socket: its log says why */
	fx_switch(f, "prep_silent", 100, -ECANCELED, &t, &rb, err, sizeof(err));
	assert_true(rb);
	if (!access(SW_LOG_DIR, W_OK))
		assert_has(err, "something broke");
	assert_has(err, "scx_prep_good kept running");
	assert_int_equal(fx_seq(f), seq);
	assert_int_equal(f->cur.pid, pid);
	fx_read(f->events, ev, sizeof(ev));
	assert_null(strstr(ev, "prep_good stopped"));

	/* an attach failure: the old one is back */
	fx_switch(f, "prep_attachfail", 100, -ECANCELED, &t, &rb, err, sizeof(err));
	assert_true(rb);
	assert_has(err, "scx_prep_attachfail failed to attach (exit status 1): fake attach failure");
	assert_has(err, "rolled back to scx_prep_good");
	assert_int_equal(fx_seq(f), seq + 1);
	fx_ops(f, ops, sizeof(ops));
	assert_string_equal(ops, "prep_good");
	assert_string_equal(f->cur.name, "prep_good");
	seq = fx_seq(f);

	/*
	 * attached, then died within the settle time: 0.2 s after it, inside
	 * a settle time that a loaded host (a CI running beside hogs) cannot
	 * stretch the fake's sleep past
	 */
	fx_switch(f, "prep_dies", 5000, -ECANCELED, &t, &rb, err, sizeof(err));
	assert_true(rb);
	assert_has(err, "scx_prep_dies stopped right after it was enabled");
	assert_has(err, "rolled back to scx_prep_good");
	assert_int_equal(fx_seq(f), seq + 2);
	fx_ops(f, ops, sizeof(ops));
	assert_string_equal(ops, "prep_good");

	/* turned off: the old stop-then-start, the loader attaching at once */
	setenv("SCHEDKIT_SWITCH_PREPARED", "0", 1);
	seq = fx_seq(f);
	fx_switch(f, "prep_good", 100, 0, &t, &rb, err, sizeof(err));
	unsetenv("SCHEDKIT_SWITCH_PREPARED");
	assert_false(t.prepared);
	assert_int_equal(fx_seq(f), seq + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_fd),
		cmocka_unit_test(test_lines_one_at_a_time),
		cmocka_unit_test(test_detail_stays_one_line),
		cmocka_unit_test(test_recv_failures),
		cmocka_unit_test(test_marker_detection),
		cmocka_unit_test_setup_teardown(test_switch_prepared, fx_setup,
						fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
