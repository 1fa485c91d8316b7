# Sourced by bin/test and bin/demo: what a fresh machine of this kind needs besides the JDK and Maven.
need_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! command -v etcd >/dev/null 2>&1 && [ ! -x /usr/bin/etcd ]; then
  echo "etcd not found; installing Debian's etcd-server package"
  need_root apt-get update -qq
  need_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server >/dev/null
fi
# The fault tests mount a small FUSE file system that the test kit builds with gcc against libfuse3.
if ! command -v fusermount3 >/dev/null 2>&1 || ! pkg-config --exists fuse3 2>/dev/null || ! command -v gcc >/dev/null 2>&1; then
  echo "fuse3, libfuse3-dev, pkg-config or gcc not found; installing them from Debian's packages"
  need_root apt-get update -qq
  need_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fuse3 libfuse3-dev pkg-config gcc >/dev/null
fi
# The console's browser tests drive Debian's Chromium through Playwright (no browser download).
if ! command -v chromium >/dev/null 2>&1; then
  echo "chromium not found; installing Debian's chromium package"
  need_root apt-get update -qq
  need_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
for tool in java mvn openssl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool not found (JDK 17, Maven 3.8+ and openssl are needed)" >&2; exit 1; }
done
