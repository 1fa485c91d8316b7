/*
 * A pass-through FUSE file system that fails reads on demand, for the test kit's fault tests: every file of
 * the backing directory is visible at the mount point; reading <file> fails with EIO, or with ESTALE when the
 * backing directory holds <file>.fail whose first word is ESTALE, for as long as <file>.fail exists.
 * Usage: faultyfs <backing-directory> <mount-point> [fuse options]
 */
#define FUSE_USE_VERSION 31
#include <fuse.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char backing[PATH_MAX];

static void real_path(char *out, const char *path, const char *suffix) {
    snprintf(out, PATH_MAX, "%s%s%s", backing, path, suffix);
}

static int injected_error(const char *path) {
    char marker[PATH_MAX];
    real_path(marker, path, ".fail");
    FILE *file = fopen(marker, "r");
    if (file == NULL) {
        return 0;
    }
    char word[16] = {0};
    if (fgets(word, sizeof word, file) == NULL) {
        word[0] = 0;
    }
    fclose(file);
    return strncmp(word, "ESTALE", 6) == 0 ? ESTALE : EIO;
}

static void *faulty_init(struct fuse_conn_info *conn, struct fuse_config *cfg) {
    (void) conn;
    cfg->direct_io = 1;
    cfg->attr_timeout = 0;
    cfg->entry_timeout = 0;
    cfg->negative_timeout = 0;
    cfg->use_ino = 1;
    return NULL;
}

static int faulty_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
    (void) fi;
    char real[PATH_MAX];
    real_path(real, path, "");
    return lstat(real, st) == -1 ? -errno : 0;
}

static int faulty_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t offset,
                          struct fuse_file_info *fi, enum fuse_readdir_flags flags) {
    (void) offset;
    (void) fi;
    (void) flags;
    char real[PATH_MAX];
    real_path(real, path, "");
    DIR *dir = opendir(real);
    if (dir == NULL) {
        return -errno;
    }
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        struct stat st;
        memset(&st, 0, sizeof st);
        st.st_ino = entry->d_ino;
        st.st_mode = (mode_t) entry->d_type << 12;
        if (filler(buf, entry->d_name, &st, 0, 0)) {
            break;
        }
    }
    closedir(dir);
    return 0;
}

static int faulty_readlink(const char *path, char *buf, size_t size) {
    char real[PATH_MAX];
    real_path(real, path, "");
    ssize_t length = readlink(real, buf, size - 1);
    if (length == -1) {
        return -errno;
    }
    buf[length] = 0;
    return 0;
}

static int faulty_open(const char *path, struct fuse_file_info *fi) {
    char real[PATH_MAX];
    real_path(real, path, "");
    int fd = open(real, fi->flags);
    if (fd == -1) {
        return -errno;
    }
    fi->fh = (uint64_t) fd;
    return 0;
}

static int faulty_read(const char *path, char *buf, size_t size, off_t offset, struct fuse_file_info *fi) {
    int error = injected_error(path);
    if (error != 0) {
        return -error;
    }
    ssize_t read = pread((int) fi->fh, buf, size, offset);
    return read == -1 ? -errno : (int) read;
}

static int faulty_release(const char *path, struct fuse_file_info *fi) {
    (void) path;
    close((int) fi->fh);
    return 0;
}

static const struct fuse_operations operations = {
    .init = faulty_init,
    .getattr = faulty_getattr,
    .readdir = faulty_readdir,
    .readlink = faulty_readlink,
    .open = faulty_open,
    .read = faulty_read,
    .release = faulty_release,
};

int main(int argc, char *argv[]) {
    if (argc < 3 || realpath(argv[1], backing) == NULL) {
        fprintf(stderr, "usage: faultyfs <backing-directory> <mount-point> [fuse options]\n");
        return 2;
    }
    argv[1] = argv[0];
    return fuse_main(argc - 1, argv + 1, &operations, NULL);
}
