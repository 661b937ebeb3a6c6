#!/bin/busybox sh
# /init of the netlab VM: the first and only program the guest runs.
# It runs every run listed in /etc/netlab/runs as root, each between
# markers on the console, then powers the machine off.

# The kernel unpacked us into rootfs, the first mount, which has nothing
# under it: pivot_root(2) refuses to move it (EINVAL), and the recap
# example pivots. As a distribution's initramfs switches to the real root,
# we switch to a bind mount of this same rootfs: moved onto /, it is a
# mount like any other (nothing is copied). Then /init starts again there.
if [ -z "$NETLAB_ROOT_MOVED" ]; then
  /bin/busybox mkdir -p /newroot
  /bin/busybox mount --bind / /newroot
  cd /newroot
  /bin/busybox mount --move . /
  NETLAB_ROOT_MOVED=1 exec /bin/busybox chroot . /init
fi
/bin/busybox mkdir -p /proc /sys /dev /run /tmp
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
# What udev would add: nft reads its JSON from /dev/stdin (`nft -j -f -`).
/bin/busybox ln -sf /proc/self/fd /dev/fd
/bin/busybox ln -sf /proc/self/fd/0 /dev/stdin
/bin/busybox ln -sf /proc/self/fd/1 /dev/stdout
/bin/busybox ln -sf /proc/self/fd/2 /dev/stderr
/bin/busybox mount -t tmpfs tmpfs /run
/bin/busybox mount -t tmpfs tmpfs /tmp
/bin/busybox --install -s
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
# Where the recap example finds its two distributions.
export NETLAB_ROOTFS=/target/rootfs
exec </dev/null >/dev/console 2>&1
echo "netlab-vm: init running, kernel $(uname -r), uptime $(cut -d' ' -f1 /proc/uptime) s"

# The modules, each after those it needs (busybox insmod: the order is ours).
modules=/lib/modules/$(uname -r)
while read -r path params; do
  insmod "$modules/$path" $params || echo "netlab-vm: insmod $path failed"
done </etc/netlab/modules
ip link set lo up

# Where Docker Engines run: cgroup v2, as Debian 12 mounts it (runc puts
# each container in a cgroup of its own there).
if [ -d /netlab/engines ]; then
  mkdir -p /sys/fs/cgroup
  mount -t cgroup2 cgroup2 /sys/fs/cgroup
fi

# Each run: a name (its markers and files), the example, its arguments;
# the picture of its lab when the arguments ask for one (--topology).
now() { cut -d' ' -f1 /proc/uptime; }
while read -r name example args; do
  echo "=== BEGIN $name ==="
  started=$(now)
  timeout 600 "/netlab/examples/$example" $args \
    </dev/null >"/tmp/$name.out" 2>"/tmp/$name.err"
  rc=$?
  cat "/tmp/$name.out"
  # A newline first: the marker must start a line even after output that
  # does not end with one; the reader takes that newline off again.
  printf '\n=== STDERR %s ===\n' "$name"
  cat "/tmp/$name.err"
  printf '\n=== END %s rc=%s ===\n' "$name" "$rc"
  # How long it took, on the guest's clock: started and ended uptimes.
  echo "=== TIME $name $started $(now) ==="
  if [ -s "/tmp/$name.svg" ]; then
    echo "=== PICTURE $name ==="
    cat "/tmp/$name.svg"
    printf '\n=== END PICTURE %s ===\n' "$name"
  fi
  rm -f "/tmp/$name.out" "/tmp/$name.err" "/tmp/$name.svg"
done </etc/netlab/runs

echo "netlab-vm: done, uptime $(cut -d' ' -f1 /proc/uptime) s, powering off"
poweroff -f
