package io.logcollect.etcd.engine;

/** How a provider path and key name map to etcd keys: {@code ${etcd:/a/b:c}} is etcd key {@code /a/b/c}. */
public final class EtcdKeys {

    private EtcdKeys() {
    }

    /** The full etcd key of {@code key} under {@code path}; a null or empty path means the key is already full. */
    public static String join(String path, String key) {
        if (path == null || path.isEmpty()) {
            return key;
        }
        return directory(path) + key;
    }

    /** The path with exactly one trailing slash: the prefix of the keys directly under it. */
    public static String directory(String path) {
        String trimmed = path;
        while (trimmed.endsWith("/") && trimmed.length() > 1) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.equals("/") ? "/" : trimmed + "/";
    }

    /** The name of {@code fullKey} relative to {@code directory}, or null when it is not directly under it. */
    public static String childName(String directory, String fullKey) {
        if (!fullKey.startsWith(directory)) {
            return null;
        }
        String name = fullKey.substring(directory.length());
        return name.isEmpty() || name.contains("/") ? null : name;
    }
}
