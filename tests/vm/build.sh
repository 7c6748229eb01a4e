#!/bin/bash
# build.sh KVER - the kernel and initramfs a QEMU guest of Debian's KVER kernel
# boots with (issue 18).  Nothing is installed on the host: the package
# linux-image-KVER.*-amd64-unsigned is fetched with `apt-get download` and
# unpacked with `dpkg-deb -x` into build/vm/KVER/; the initramfs holds
# busybox-static, the modules the guest needs (with what they depend on, read
# from each module's own "depends=" modinfo field: the package ships no
# modules.dep and depmod may be absent) and tests/vm/init.
#
# Out: build/vm/KVER/vmlinuz, build/vm/KVER/initramfs.cpio.gz, build/vm/KVER/release
set -eu
KVER=${1:?usage: build.sh KVER (e.g. 6.1)}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT="$TOP/build/vm/$KVER"
mkdir -p "$OUT"

# the newest package of that series (the plain amd64 flavour: it has veth, 9p,
# overlay); looked up once, VM_REFRESH=1 looks again
newest() {
	apt-cache search --names-only "^linux-image-$KVER\.[0-9]+-[0-9]+-amd64-unsigned\$" |
		cut -d' ' -f1 | sort -V | tail -1
}
pkg=$(cat "$OUT/pkg" 2>/dev/null || true)   # none yet on a fresh clone (set -e)
if [ -z "$pkg" ] || [ -n "${VM_REFRESH:-}" ] || [ ! -f "$OUT/vmlinuz" ]; then
	pkg=$(newest)
	# package lists never fetched on this machine: once
	[ -n "$pkg" ] || { apt-get update -qq >/dev/null 2>&1; pkg=$(newest); }
fi
if [ -z "$pkg" ]; then
	echo "build.sh: no linux-image-$KVER.*-amd64-unsigned package (apt-get update?)" >&2
	exit 1
fi
if [ ! -f "$OUT/pkg" ] || [ "$(cat "$OUT/pkg")" != "$pkg" ] || [ ! -f "$OUT/vmlinuz" ]; then
	rm -rf "$OUT/deb" "$OUT/root"; mkdir -p "$OUT/deb"
	(cd "$OUT/deb" && apt-get download -q "$pkg" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
	dpkg-deb -x "$OUT"/deb/*.deb "$OUT/root"
	cp "$OUT"/root/boot/vmlinuz-* "$OUT/vmlinuz"
	basename "$OUT"/root/lib/modules/* > "$OUT/release"
	rm -rf "$OUT/deb"
	echo "$pkg" > "$OUT/pkg"
fi
rel=$(cat "$OUT/release")
MODDIR="$OUT/root/lib/modules/$rel"

# modules: transport to the host (virtio-pci, 9p), overlayfs for a writable
# root over it, and what the tests ask the kernel for (veth, clsact, cls_bpf)
WANT="virtio_pci 9pnet_virtio 9p overlay veth sch_ingress cls_bpf act_bpf"
declare -A path=() done=()
while IFS= read -r f; do
	m=${f##*/}; m=${m%.ko}; path[${m//-/_}]=$f      # no fork per module: there are ~4,000
done < <(find "$MODDIR/kernel" -name '*.ko')
order=()
add() { # add MOD: its dependencies first, then itself
	local m=${1//-/_} d
	[ -n "${done[$m]:-}" ] && return 0
	done[$m]=1
	[ -n "${path[$m]:-}" ] || { echo "build.sh: module $m not in $pkg" >&2; exit 1; }
	for d in $(tr '\0' '\n' < "${path[$m]}" | sed -n 's/^depends=//p' | tr ',' ' '); do
		add "$d"
	done
	order+=("$m")
}
for m in $WANT; do add "$m"; done

IRD="$OUT/initramfs"
rm -rf "$IRD"; mkdir -p "$IRD"/{bin,dev,proc,sys,mnt,lower,upper,modules}
cp /bin/busybox "$IRD/bin/busybox"   # busybox-static: needs no libraries
for m in "${order[@]}"; do cp "${path[$m]}" "$IRD/modules/"; echo "$m" >> "$IRD/modules/order"; done
cp "$TOP/tests/vm/init" "$IRD/init"; chmod 0755 "$IRD/init"
(cd "$IRD" && find . | cpio -o -H newc --quiet | gzip -1) > "$OUT/initramfs.cpio.gz"
echo "built $OUT: $pkg ($rel), modules: ${order[*]}"
