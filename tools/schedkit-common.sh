# Shared by the schedkit shell subcommands: error reporting, where things
# live, and the kernel cache key. Sourced, never run.

SK_PROG=${SK_PROG:-schedkit}
SK_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# In a source checkout the data sits beside tools/; an install sets this.
SK_DATADIR=${SCHEDKIT_DATADIR:-$(cd "$SK_HERE/.." && pwd)}
SK_CACHE=${SCHEDKIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/schedkit}
SK_KERNEL_TARBALL=${SCHEDKIT_KERNEL_SOURCE:-/usr/src/linux-source-6.12.tar.xz}
SK_KERNEL_FRAGMENTS=${SCHEDKIT_KERNEL_FRAGMENTS:-sched_ext.config vm.config slim.config}

sk_die() {
	echo "$SK_PROG: $*" >&2
	exit 1
}

sk_info() {
	echo "$SK_PROG: $*" >&2
}

# sk_icount_shift WHO VALUE: dies unless VALUE is a QEMU -icount shift
# schedkit passes on (0-10: 1 ns to about 1 us per instruction)
sk_icount_shift() {
	case "$2" in
	[0-9] | 10) ;;
	*) sk_die "$1: --icount takes a shift from 0 to 10, not '$2'" ;;
	esac
}

# Whether this process may run threads at real-time priority (root, or an
# RLIMIT_RTPRIO), which `schedkit vm --host-rt` needs.
sk_can_rt() {
	chrt -f 1 true 2>/dev/null
}

sk_need_tarball() {
	[ -f "$SK_KERNEL_TARBALL" ] && return 0
	sk_die "kernel source $SK_KERNEL_TARBALL not found; install linux-source-6.12 (scripts/bootstrap) or pass --source"
}

# $1: directory, $2: GiB that must be free there.
sk_need_space() {
	local avail
	mkdir -p "$1"
	avail=$(df -Pk "$1" | awk 'NR == 2 { print int($4 / 1048576) }')
	[ "$avail" -ge "$2" ] ||
		sk_die "only ${avail} GiB free in $1, need $2 GiB; free some space or set SCHEDKIT_CACHE"
}

# The source version: Debian's package version when the tarball is the
# packaged one (cheap and exact), else the file's identity. Hashing 150 MB on
# every `schedkit vm` would cost more than the check is worth.
sk_tarball_hash() {
	local v=""
	if [ "$SK_KERNEL_TARBALL" = /usr/src/linux-source-6.12.tar.xz ]; then
		v=$(dpkg-query -W -f '${Version}' linux-source-6.12 2>/dev/null || true)
	fi
	[ -n "$v" ] || v=$(stat -c '%n-%s-%Y' "$SK_KERNEL_TARBALL")
	printf '%s' "$v" | sha256sum | cut -c1-12
}

sk_kernel_key() {
	local f base
	base=$(basename "$SK_KERNEL_TARBALL" .tar.xz)
	{
		sk_tarball_hash
		for f in $SK_KERNEL_FRAGMENTS; do
			[ -f "$SK_DATADIR/kernel-configs/$f" ] ||
				sk_die "kernel fragment kernel-configs/$f is missing"
			echo "$f"
			cat "$SK_DATADIR/kernel-configs/$f"
		done
	} | sha256sum | cut -c1-12 | sed "s/^/$base-/"
}

sk_kernel_dir() {
	echo "$SK_CACHE/kernel/$(sk_kernel_key)"
}
