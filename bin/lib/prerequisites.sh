# Sourced by bin/test and bin/demo: what a fresh machine of this kind needs besides the JDK and Maven.
need_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! command -v etcd >/dev/null 2>&1 && [ ! -x /usr/bin/etcd ]; then
  echo "etcd not found; installing Debian's etcd-server package"
  need_root apt-get update -qq
  need_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server >/dev/null
fi
for tool in java mvn openssl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool not found (JDK 17, Maven 3.8+ and openssl are needed)" >&2; exit 1; }
done
