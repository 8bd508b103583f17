/* Tests of the file system requests where Windows semantics differ from
 * POSIX and the library has to bridge the gap: replacing rename, deleting
 * read-only and open files, non-ASCII and long names.  Those run on every
 * platform (the behaviour is the same by design).  The fs_win_* tests
 * check Windows-only behaviour (the read-only attribute, junctions, share
 * modes, stat against the Win32 queries) and skip elsewhere.
 *
 * Wine (where the Windows build is tested) has gaps of its own; a test
 * that meets one skips and says which. */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64
#include "test-fs.h"

#ifdef _WIN32
/* Wine announces itself through an ntdll export real Windows lacks. */
static int under_wine(void) {
  return GetProcAddress(GetModuleHandleA("ntdll.dll"),
                        "wine_get_version") != NULL;
}

static uint64_t filetime_ticks(FILETIME ft) {
  return ((uint64_t) ft.dwHighDateTime << 32) | ft.dwLowDateTime;
}

/* uv_timespec_t -> 100 ns ticks since 1601, as FILETIME counts. */
static uint64_t timespec_ticks(uv_timespec_t ts) {
  return (uint64_t) ((int64_t) ts.tv_sec * 10000000 + ts.tv_nsec / 100 +
                     116444736000000000LL);
}
#endif

/* ---- portable: the POSIX behaviour the Windows port provides ----------- */

TEST(fs_rename_replaces) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  char a[PATH_MAX];
  char b[PATH_MAX];
  char d1[PATH_MAX];
  char d2[PATH_MAX];
  char inner[PATH_MAX];
  char* got;
  size_t len;
  int fd;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fs_put(fs_path(&s, a, "a"), "new", 3);
  fs_put(fs_path(&s, b, "b"), "old content", 11);

  /* Over an existing file: replaced in one step. */
  ASSERT_OK(uv_fs_rename(&loop, &req, a, b, NULL));
  uv_fs_req_cleanup(&req);
  got = fs_get(b, &len);
  ASSERT_EQ(3, len);
  ASSERT_MEM_EQ("new", got, 3);
  free(got);
  ASSERT_EQ(UV_ENOENT, uv_fs_stat(&loop, &req, a, NULL));
  uv_fs_req_cleanup(&req);

  /* Over a file without write permission (read-only attribute): the
   * directory decides, not the file. */
  fd = uv_fs_open(&loop, &req, a, UV_FS_O_WRONLY | UV_FS_O_CREAT, 0444,
                  NULL);
  ASSERT_GE(fd, 0);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_close(&loop, &req, fd, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_rename(&loop, &req, b, a, NULL));
  uv_fs_req_cleanup(&req);
  got = fs_get(a, &len);
  ASSERT_EQ(3, len);
  free(got);
  ASSERT_OK(uv_fs_rename(&loop, &req, a, b, NULL));
  uv_fs_req_cleanup(&req);

  /* A directory over an empty directory, too; not over a full one. */
  ASSERT_OK(uv_fs_mkdir(&loop, &req, fs_path(&s, d1, "d1"), 0755, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_mkdir(&loop, &req, fs_path(&s, d2, "d2"), 0755, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_rename(&loop, &req, d1, d2, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_ENOENT, uv_fs_stat(&loop, &req, d1, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_mkdir(&loop, &req, d1, 0755, NULL));
  uv_fs_req_cleanup(&req);
  fs_put(fs_path(&s, inner, "d2/x"), "x", 1);
  ASSERT_EQ(UV_ENOTEMPTY, uv_fs_rename(&loop, &req, d1, d2, NULL));
  uv_fs_req_cleanup(&req);
  got = fs_get(inner, &len);
  ASSERT_EQ(1, len);
  free(got);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

TEST(fs_unlink_readonly) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  char path[PATH_MAX];
  int fd;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  /* Created without write permission (the read-only attribute on
   * Windows): removing it is a matter of the directory, not the file. */
  fd = uv_fs_open(&loop, &req, fs_path(&s, path, "ro"),
                  UV_FS_O_WRONLY | UV_FS_O_CREAT, 0444, NULL);
  ASSERT_GE(fd, 0);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_close(&loop, &req, fd, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_stat(&loop, &req, path, NULL));
  ASSERT_EQ(0, req.statbuf.st_mode & 0222);
  uv_fs_req_cleanup(&req);

  ASSERT_OK(uv_fs_unlink(&loop, &req, path, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_ENOENT, uv_fs_stat(&loop, &req, path, NULL));
  uv_fs_req_cleanup(&req);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

/* An open file may be renamed and deleted; the descriptor keeps working. */
TEST(fs_unlink_rename_open_file) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  uv_buf_t buf;
  char a[PATH_MAX];
  char b[PATH_MAX];
  char back[8];
  int fd;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fd = fs_create_rw(&loop, &s, a, "open");
  buf = uv_buf_init("hello", 5);
  ASSERT_EQ(5, uv_fs_write(&loop, &req, fd, &buf, 1, 0, NULL));
  uv_fs_req_cleanup(&req);

  ASSERT_OK(uv_fs_rename(&loop, &req, a, fs_path(&s, b, "moved"), NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_unlink(&loop, &req, b, NULL));
  uv_fs_req_cleanup(&req);

  buf = uv_buf_init(back, sizeof(back));
  ASSERT_EQ(5, uv_fs_read(&loop, &req, fd, &buf, 1, 0, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_MEM_EQ("hello", back, 5);
  buf = uv_buf_init("!", 1);
  ASSERT_EQ(1, uv_fs_write(&loop, &req, fd, &buf, 1, 5, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_close(&loop, &req, fd, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_ENOENT, uv_fs_stat(&loop, &req, b, NULL));
  uv_fs_req_cleanup(&req);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

/* "été-日本.txt" and "ünïcode-Ω" in UTF-8. */
#define NAME1 "\xc3\xa9t\xc3\xa9-\xe6\x97\xa5\xe6\x9c\xac.txt"
#define NAME2 "\xc3\xbcn\xc3\xaf" "code-\xce\xa9"

TEST(fs_non_ascii_names) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  uv_dirent_t ent;
  uv_dir_t* dir;
  uv_dirent_t ents[4];
  char p1[PATH_MAX];
  char p2[PATH_MAX];
  char* real;
  int fd;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fd = fs_create_rw(&loop, &s, p1, NAME1);
  ASSERT_OK(uv_fs_close(&loop, &req, fd, NULL));
  uv_fs_req_cleanup(&req);
#ifdef _WIN32
  /* The system sees the real characters, not bytes of another code page. */
  {
    WCHAR w[PATH_MAX];
    ASSERT_GT(MultiByteToWideChar(CP_ACP, 0, s.dir, -1, w, PATH_MAX), 0);
    wcscat(w, L"\\\x00e9t\x00e9-\x65e5\x672c.txt");
    ASSERT_NE(INVALID_FILE_ATTRIBUTES, GetFileAttributesW(w));
  }
#endif

  ASSERT_EQ(1, uv_fs_scandir(&loop, &req, s.dir, 0, NULL));
  ASSERT_OK(uv_fs_scandir_next(&req, &ent));
  ASSERT_STR_EQ(NAME1, ent.name);
  uv_fs_req_cleanup(&req);

  ASSERT_OK(uv_fs_rename(&loop, &req, p1, fs_path(&s, p2, NAME2), NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_stat(&loop, &req, p2, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_opendir(&loop, &req, s.dir, NULL));
  dir = req.ptr;
  uv_fs_req_cleanup(&req);
  dir->dirents = ents;
  dir->nentries = 4;
  ASSERT_EQ(1, uv_fs_readdir(&loop, &req, dir, NULL));
  ASSERT_STR_EQ(NAME2, ents[0].name);
  ASSERT_EQ(UV_DIRENT_FILE, ents[0].type);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_closedir(&loop, &req, dir, NULL));
  uv_fs_req_cleanup(&req);

  ASSERT_OK(uv_fs_realpath(&loop, &req, p2, NULL));
  real = req.ptr;
  ASSERT_NOT_NULL(strstr(real, NAME2));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_unlink(&loop, &req, p2, NULL));
  uv_fs_req_cleanup(&req);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

/* Paths well past Windows' MAX_PATH (260), built from short components. */
TEST(fs_long_paths) {
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  uv_buf_t buf;
  uv_dirent_t ent;
  char path[1024];
  char file[1100];
  char moved[1100];
  char back[4];
  size_t len;
  int fd;
  int r;
  int i;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  len = (size_t) snprintf(path, sizeof(path), "%s", s.dir);
  for (i = 0; i < 30; i++) {
    len += (size_t) snprintf(path + len, sizeof(path) - len,
                             "/component-%02d", i);
    ASSERT_OK(uv_fs_mkdir(&loop, &req, path, 0755, NULL));
    uv_fs_req_cleanup(&req);
  }
  ASSERT_GT(len, 300);
  snprintf(file, sizeof(file), "%s/file", path);
  snprintf(moved, sizeof(moved), "%s/moved", path);

  fd = uv_fs_open(&loop, &req, file, UV_FS_O_RDWR | UV_FS_O_CREAT, 0644,
                  NULL);
  ASSERT_GE(fd, 0);
  uv_fs_req_cleanup(&req);
  buf = uv_buf_init("abc", 3);
  ASSERT_EQ(3, uv_fs_write(&loop, &req, fd, &buf, 1, 0, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_close(&loop, &req, fd, NULL));
  uv_fs_req_cleanup(&req);

  ASSERT_OK(uv_fs_stat(&loop, &req, file, NULL));
  ASSERT_UINT64_EQ(3, req.statbuf.st_size);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_rename(&loop, &req, file, moved, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_copyfile(&loop, &req, moved, file, 0, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(2, uv_fs_scandir(&loop, &req, path, 0, NULL));
  ASSERT_OK(uv_fs_scandir_next(&req, &ent));
  ASSERT_STR_EQ("file", ent.name);
  uv_fs_req_cleanup(&req);
  r = uv_fs_realpath(&loop, &req, moved, NULL);
#ifdef _WIN32
  if (r == UV_ENAMETOOLONG && under_wine()) {
    printf("# Wine: GetFinalPathNameByHandleW fails beyond MAX_PATH; "
           "realpath not checked\n");
    r = 0;
  } else
#endif
  {
    ASSERT_OK(r);
    ASSERT_NOT_NULL(strstr(req.ptr, "component-29"));
    /* The \\?\ prefix the system needed is not shown. */
    ASSERT_NE(0, strncmp(req.ptr, "\\\\?\\", 4));
  }
  uv_fs_req_cleanup(&req);

  fd = uv_fs_open(&loop, &req, file, UV_FS_O_RDONLY, 0, NULL);
  ASSERT_GE(fd, 0);
  uv_fs_req_cleanup(&req);
  buf = uv_buf_init(back, sizeof(back));
  ASSERT_EQ(3, uv_fs_read(&loop, &req, fd, &buf, 1, 0, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_MEM_EQ("abc", back, 3);
  ASSERT_OK(uv_fs_close(&loop, &req, fd, NULL));
  uv_fs_req_cleanup(&req);

  ASSERT_OK(uv_fs_unlink(&loop, &req, file, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_unlink(&loop, &req, moved, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_rmdir(&loop, &req, path, NULL));
  uv_fs_req_cleanup(&req);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
}

/* ---- Windows only ------------------------------------------------------ */

/* uv_fs_stat against GetFileInformationByHandle and FILE_BASIC_INFO. */
TEST(fs_win_stat) {
#ifndef _WIN32
  RETURN_SKIP("Windows only (fs_stat checks the POSIX side)");
#else
  BY_HANDLE_FILE_INFORMATION info;
  FILE_BASIC_INFO basic;
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  uv_stat_t st;
  char path[PATH_MAX];
  HANDLE h;
  int fds[2];
  int fd;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fs_put(fs_path(&s, path, "f"), "0123456789", 10);

  ASSERT_OK(uv_fs_stat(&loop, &req, path, NULL));
  st = req.statbuf;
  uv_fs_req_cleanup(&req);
  h = CreateFileA(path, FILE_READ_ATTRIBUTES, FILE_SHARE_READ, NULL,
                  OPEN_EXISTING, 0, NULL);
  ASSERT_PTR_NE(INVALID_HANDLE_VALUE, h);
  ASSERT(GetFileInformationByHandle(h, &info));
  ASSERT(GetFileInformationByHandleEx(h, FileBasicInfo, &basic,
                                      sizeof(basic)));
  CloseHandle(h);
  ASSERT_UINT64_EQ(info.dwVolumeSerialNumber, st.st_dev);
  ASSERT_UINT64_EQ(((uint64_t) info.nFileIndexHigh << 32) |
                   info.nFileIndexLow, st.st_ino);
  ASSERT_UINT64_EQ(1, st.st_nlink);
  ASSERT_UINT64_EQ(10, st.st_size);
  ASSERT_UINT64_EQ(S_IFREG | 0666, st.st_mode);
  ASSERT_UINT64_EQ((uint64_t) basic.LastWriteTime.QuadPart,
                   timespec_ticks(st.st_mtim));
  ASSERT_UINT64_EQ((uint64_t) basic.ChangeTime.QuadPart,
                   timespec_ticks(st.st_ctim));
  ASSERT_UINT64_EQ((uint64_t) basic.CreationTime.QuadPart,
                   timespec_ticks(st.st_birthtim));
  ASSERT_LT(st.st_mtim.tv_nsec, 1000000000);

  /* fstat of the same file agrees; lstat of a plain file is stat. */
  fd = uv_fs_open(&loop, &req, path, UV_FS_O_RDONLY, 0, NULL);
  ASSERT_GE(fd, 0);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_fstat(&loop, &req, fd, NULL));
  ASSERT_UINT64_EQ(st.st_ino, req.statbuf.st_ino);
  ASSERT_UINT64_EQ(st.st_size, req.statbuf.st_size);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_close(&loop, &req, fd, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_lstat(&loop, &req, path, NULL));
  ASSERT_UINT64_EQ(st.st_mode, req.statbuf.st_mode);
  uv_fs_req_cleanup(&req);

  /* Read-only files lose the write bits; directories get x. */
  ASSERT(SetFileAttributesA(path, FILE_ATTRIBUTE_READONLY));
  ASSERT_OK(uv_fs_stat(&loop, &req, path, NULL));
  ASSERT_UINT64_EQ(S_IFREG | 0444, req.statbuf.st_mode);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_stat(&loop, &req, s.dir, NULL));
  ASSERT_UINT64_EQ(S_IFDIR | 0777, req.statbuf.st_mode);
  uv_fs_req_cleanup(&req);

  /* A pipe is a fifo. */
  ASSERT_OK(_pipe(fds, 256, O_BINARY));
  ASSERT_OK(uv_fs_fstat(&loop, &req, fds[0], NULL));
  ASSERT_UINT64_EQ(S_IFIFO, req.statbuf.st_mode & S_IFMT);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(close(fds[0]));
  ASSERT_OK(close(fds[1]));

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
#endif
}

TEST(fs_win_utime) {
#ifndef _WIN32
  RETURN_SKIP("Windows only (fs_utime checks the POSIX side)");
#else
  FILETIME ctime;
  FILETIME atime;
  FILETIME mtime;
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  char path[PATH_MAX];
  HANDLE h;
  int fd;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fs_put(fs_path(&s, path, "t"), "x", 1);

  /* Fractions become 100 ns ticks; before 1601 nothing, so -1.5 s (1969)
   * is fine. */
  ASSERT_OK(uv_fs_utime(&loop, &req, path, 1000.5, 2000.25, NULL));
  uv_fs_req_cleanup(&req);
  h = CreateFileA(path, FILE_READ_ATTRIBUTES, FILE_SHARE_READ, NULL,
                  OPEN_EXISTING, 0, NULL);
  ASSERT_PTR_NE(INVALID_HANDLE_VALUE, h);
  ASSERT(GetFileTime(h, &ctime, &atime, &mtime));
  CloseHandle(h);
  ASSERT_UINT64_EQ(116444736000000000ULL + 10005000000ULL,
                   filetime_ticks(atime));
  ASSERT_UINT64_EQ(116444736000000000ULL + 20002500000ULL,
                   filetime_ticks(mtime));

  ASSERT_OK(uv_fs_utime(&loop, &req, path, -1.5, 3000, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_stat(&loop, &req, path, NULL));
  ASSERT_EQ(3000, req.statbuf.st_mtim.tv_sec);
  ASSERT_EQ(0, req.statbuf.st_mtim.tv_nsec);
  if (!under_wine()) {
    ASSERT_EQ(-2, req.statbuf.st_atim.tv_sec);
    ASSERT_EQ(500000000, req.statbuf.st_atim.tv_nsec);
  } else {
    printf("# Wine: opening a file for stat updates its access time; "
           "atime not checked through stat\n");
  }
  uv_fs_req_cleanup(&req);

  /* OMIT leaves mtime alone; futime on a read-only descriptor works. */
  fd = uv_fs_open(&loop, &req, path, UV_FS_O_RDONLY, 0, NULL);
  ASSERT_GE(fd, 0);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_futime(&loop, &req, fd, UV_FS_UTIME_NOW, UV_FS_UTIME_OMIT,
                         NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_futime(&loop, &req, fd, UV_FS_UTIME_OMIT, 4000.75, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_fstat(&loop, &req, fd, NULL));
  ASSERT_EQ(4000, req.statbuf.st_mtim.tv_sec);
  ASSERT_EQ(750000000, req.statbuf.st_mtim.tv_nsec);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_close(&loop, &req, fd, NULL));
  uv_fs_req_cleanup(&req);

  /* lutime of something that is not a link is utime. */
  ASSERT_OK(uv_fs_lutime(&loop, &req, path, 10, 20, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_stat(&loop, &req, path, NULL));
  ASSERT_EQ(20, req.statbuf.st_mtim.tv_sec);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_ENOENT, uv_fs_utime(&loop, &req, "no-such", 1, 1, NULL));
  uv_fs_req_cleanup(&req);
  /* Before 1601 or after 30827: beyond FILETIME. */
  ASSERT_EQ(UV_EINVAL, uv_fs_utime(&loop, &req, path, -2e10, 1, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_utime(&loop, &req, path, 1, 1e12, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_stat(&loop, &req, path, NULL));
  ASSERT_EQ(20, req.statbuf.st_mtim.tv_sec);
  uv_fs_req_cleanup(&req);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
#endif
}

/* chmod/fchmod/access speak the read-only attribute. */
TEST(fs_win_readonly) {
#ifndef _WIN32
  RETURN_SKIP("Windows only (fs_access_chmod checks the POSIX side)");
#else
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  char path[PATH_MAX];
  char copy[PATH_MAX];
  int fd;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fs_put(fs_path(&s, path, "p"), "", 0);

  ASSERT_OK(uv_fs_access(&loop, &req, path, R_OK | W_OK, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_chmod(&loop, &req, path, 0444, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT(GetFileAttributesA(path) & FILE_ATTRIBUTE_READONLY);
  ASSERT_EQ(UV_EPERM, uv_fs_access(&loop, &req, path, W_OK, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_access(&loop, &req, path, R_OK, NULL));
  uv_fs_req_cleanup(&req);
  fd = uv_fs_open(&loop, &req, path, UV_FS_O_WRONLY, 0, NULL);
  uv_fs_req_cleanup(&req);
  if (fd >= 0 && under_wine()) {
    /* Wine keeps the attribute as the Unix mode, which root ignores. */
    printf("# Wine as root: a read-only file opens for writing\n");
    ASSERT_OK(uv_fs_close(&loop, &req, fd, NULL));
    uv_fs_req_cleanup(&req);
  } else {
    ASSERT_EQ(UV_EPERM, fd);
  }

  /* fchmod through a read-only descriptor, back to writable. */
  fd = uv_fs_open(&loop, &req, path, UV_FS_O_RDONLY, 0, NULL);
  ASSERT_GE(fd, 0);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_fchmod(&loop, &req, fd, 0644, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_close(&loop, &req, fd, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(0, GetFileAttributesA(path) & FILE_ATTRIBUTE_READONLY);
  ASSERT_OK(uv_fs_access(&loop, &req, path, W_OK, NULL));
  uv_fs_req_cleanup(&req);

  /* A read-only file is copied read-only. */
  ASSERT_OK(uv_fs_chmod(&loop, &req, path, 0444, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_copyfile(&loop, &req, path, fs_path(&s, copy, "copy"), 0,
                           NULL));
  uv_fs_req_cleanup(&req);
  ASSERT(GetFileAttributesA(copy) & FILE_ATTRIBUTE_READONLY);

  ASSERT_EQ(UV_ENOENT, uv_fs_chmod(&loop, &req, "no-such", 0644, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_ENOENT, uv_fs_access(&loop, &req, "no-such", F_OK, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EINVAL, uv_fs_access(&loop, &req, path, 0x1000, NULL));
  uv_fs_req_cleanup(&req);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
#endif
}

TEST(fs_win_chown) {
#ifndef _WIN32
  RETURN_SKIP("Windows only (fs_chown checks the POSIX side)");
#else
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  char path[PATH_MAX];
  int fd;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fd = fs_create_rw(&loop, &s, path, "o");
  /* No owners to change: success, as in libuv, for things that exist. */
  ASSERT_OK(uv_fs_chown(&loop, &req, path, 0, 0, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_lchown(&loop, &req, path, 0, 0, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_fchown(&loop, &req, fd, 0, 0, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_close(&loop, &req, fd, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EBADF, uv_fs_fchown(&loop, &req, fd, 0, 0, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_ENOENT, uv_fs_chown(&loop, &req, "no-such", 0, 0, NULL));
  uv_fs_req_cleanup(&req);
  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
#endif
}

TEST(fs_win_statfs) {
#ifndef _WIN32
  RETURN_SKIP("Windows only (fs_statfs checks the POSIX side)");
#else
  DWORD sectors;
  DWORD bytes;
  DWORD free_clusters;
  DWORD clusters;
  uv_loop_t loop;
  uv_fs_t req;
  uv_statfs_t* sf;

  ASSERT_OK(uv_loop_init(&loop));
  ASSERT(GetDiskFreeSpaceA(NULL, &sectors, &bytes, &free_clusters,
                           &clusters));
  ASSERT_OK(uv_fs_statfs(&loop, &req, ".", NULL));
  sf = req.ptr;
  ASSERT_NOT_NULL(sf);
  ASSERT_UINT64_EQ((uint64_t) sectors * bytes, sf->f_bsize);
  ASSERT_UINT64_EQ(sf->f_bsize, sf->f_frsize);
  ASSERT_UINT64_EQ(clusters, sf->f_blocks);
  ASSERT(sf->f_bfree <= sf->f_blocks);
  ASSERT(sf->f_bavail <= sf->f_blocks);
  uv_fs_req_cleanup(&req);
  ASSERT_NULL(req.ptr);
  ASSERT_EQ(UV_ENOENT, uv_fs_statfs(&loop, &req, "no/such/dir", NULL));
  uv_fs_req_cleanup(&req);
  close_loop_and_check(&loop);
  return 0;
#endif
}

/* Share modes: files are opened so others may read, write, rename and
 * delete them; UV_FS_O_EXLOCK opens a file nobody else may open. */
TEST(fs_win_share_modes) {
#ifndef _WIN32
  RETURN_SKIP("Windows only (share modes)");
#else
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  char path[PATH_MAX];
  HANDLE h;
  int fd;
  int fd2;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fd = fs_create_rw(&loop, &s, path, "shared");
  fd2 = uv_fs_open(&loop, &req, path, UV_FS_O_RDWR, 0, NULL);
  ASSERT_GE(fd2, 0);
  uv_fs_req_cleanup(&req);
  /* Another program asking for everything but exclusivity gets in. */
  h = CreateFileA(path, GENERIC_READ | GENERIC_WRITE | DELETE,
                  FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                  NULL, OPEN_EXISTING, 0, NULL);
  ASSERT_PTR_NE(INVALID_HANDLE_VALUE, h);
  CloseHandle(h);
  ASSERT_OK(uv_fs_close(&loop, &req, fd2, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_close(&loop, &req, fd, NULL));
  uv_fs_req_cleanup(&req);

  fd = uv_fs_open(&loop, &req, path, UV_FS_O_RDWR | UV_FS_O_EXLOCK, 0,
                  NULL);
  ASSERT_GE(fd, 0);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EBUSY, uv_fs_open(&loop, &req, path, UV_FS_O_RDONLY, 0,
                                 NULL));
  ASSERT_EQ(ERROR_SHARING_VIOLATION, uv_fs_get_system_error(&req));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_close(&loop, &req, fd, NULL));
  uv_fs_req_cleanup(&req);

  /* UV_FS_O_TEMPORARY: gone when the last descriptor closes. */
  fd = uv_fs_open(&loop, &req, path, UV_FS_O_RDWR | UV_FS_O_TEMPORARY, 0,
                  NULL);
  ASSERT_GE(fd, 0);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_close(&loop, &req, fd, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(INVALID_FILE_ATTRIBUTES, GetFileAttributesA(path));

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
#endif
}

/* Append mode: every write lands at the end, whatever the offset says. */
TEST(fs_win_open_append) {
#ifndef _WIN32
  RETURN_SKIP("Windows only (append through the handle's access rights)");
#else
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  uv_buf_t buf;
  char path[PATH_MAX];
  char* got;
  size_t len;
  int fd;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fs_put(fs_path(&s, path, "log"), "one ", 4);
  fd = uv_fs_open(&loop, &req, path, UV_FS_O_WRONLY | UV_FS_O_APPEND, 0,
                  NULL);
  ASSERT_GE(fd, 0);
  uv_fs_req_cleanup(&req);
  buf = uv_buf_init("two ", 4);
  ASSERT_EQ(4, uv_fs_write(&loop, &req, fd, &buf, 1, -1, NULL));
  uv_fs_req_cleanup(&req);
  buf = uv_buf_init("three", 5);
  ASSERT_EQ(5, uv_fs_write(&loop, &req, fd, &buf, 1, 0, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_close(&loop, &req, fd, NULL));
  uv_fs_req_cleanup(&req);
  got = fs_get(path, &len);
  ASSERT_EQ(13, len);
  ASSERT_MEM_EQ("one two three", got, 13);
  free(got);

  /* Append asks for no write access of its own. */
  fd = uv_fs_open(&loop, &req, path, UV_FS_O_RDONLY | UV_FS_O_APPEND, 0,
                  NULL);
  ASSERT_GE(fd, 0);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EBADF, uv_fs_write(&loop, &req, fd, &buf, 1, -1, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_close(&loop, &req, fd, NULL));
  uv_fs_req_cleanup(&req);

  /* O_TRUNC empties; O_CREAT | O_EXCL refuses what exists. */
  fd = uv_fs_open(&loop, &req, path, UV_FS_O_WRONLY | UV_FS_O_TRUNC, 0,
                  NULL);
  ASSERT_GE(fd, 0);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_close(&loop, &req, fd, NULL));
  uv_fs_req_cleanup(&req);
  got = fs_get(path, &len);
  ASSERT_EQ(0, len);
  free(got);
  ASSERT_EQ(UV_EEXIST, uv_fs_open(&loop, &req, path, UV_FS_O_WRONLY |
                                  UV_FS_O_CREAT | UV_FS_O_EXCL, 0644, NULL));
  uv_fs_req_cleanup(&req);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
#endif
}

/* Symbolic links and junctions.  Creating a symbolic link needs a
 * privilege (or Developer Mode) on Windows; Wine 8 makes neither kind. */
TEST(fs_win_links) {
#ifndef _WIN32
  RETURN_SKIP("Windows only (fs_readlink_realpath checks the POSIX side)");
#else
  fs_scratch_t s;
  uv_loop_t loop;
  uv_fs_t req;
  uv_dirent_t ent;
  char target[PATH_MAX];
  char link[PATH_MAX];
  char junction[PATH_MAX];
  char full[PATH_MAX];
  int r;

  ASSERT_OK(uv_loop_init(&loop));
  fs_scratch_init(&s);
  fs_put(fs_path(&s, target, "target"), "0123", 4);
  fs_path(&s, link, "link");
  fs_path(&s, junction, "junction");

  /* Reading links works whether or not we may make them. */
  ASSERT_EQ(UV_EINVAL, uv_fs_readlink(&loop, &req, target, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_ENOENT, uv_fs_readlink(&loop, &req, link, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_realpath(&loop, &req, target, NULL));
  ASSERT_GT(GetFullPathNameA(target, sizeof(full), full, NULL), 0);
  ASSERT_STR_EQ(full, req.ptr);
  uv_fs_req_cleanup(&req);

  r = uv_fs_symlink(&loop, &req, s.dir, junction, UV_FS_SYMLINK_JUNCTION,
                    NULL);
  uv_fs_req_cleanup(&req);
  if (r == 0) {
    ASSERT_OK(uv_fs_readlink(&loop, &req, junction, NULL));
    ASSERT_GT(GetFullPathNameA(s.dir, sizeof(full), full, NULL), 0);
    ASSERT_STR_EQ(full, req.ptr);
    uv_fs_req_cleanup(&req);
    ASSERT_OK(uv_fs_lstat(&loop, &req, junction, NULL));
    ASSERT_UINT64_EQ(S_IFLNK, req.statbuf.st_mode & S_IFMT);
    ASSERT_UINT64_EQ(strlen(full), req.statbuf.st_size);
    uv_fs_req_cleanup(&req);
    ASSERT_OK(uv_fs_stat(&loop, &req, junction, NULL));
    ASSERT_UINT64_EQ(S_IFDIR, req.statbuf.st_mode & S_IFMT);
    uv_fs_req_cleanup(&req);
    ASSERT_EQ(2, uv_fs_scandir(&loop, &req, s.dir, 0, NULL));
    ASSERT_OK(uv_fs_scandir_next(&req, &ent));
    ASSERT_STR_EQ("junction", ent.name);
    ASSERT_EQ(UV_DIRENT_LINK, ent.type);
    uv_fs_req_cleanup(&req);
    /* unlink removes the junction, not what it points to. */
    ASSERT_OK(uv_fs_unlink(&loop, &req, junction, NULL));
    uv_fs_req_cleanup(&req);
    ASSERT_NE(INVALID_FILE_ATTRIBUTES, GetFileAttributesA(target));
  } else {
    ASSERT(r == UV_ENOTSUP || r == UV_ENOSYS);
    printf("# junction not created (%s): %s\n", uv_err_name(r),
           under_wine() ? "Wine lacks FSCTL_SET_REPARSE_POINT"
                        : "file system without reparse points");
  }

  r = uv_fs_symlink(&loop, &req, "target", link, 0, NULL);
  uv_fs_req_cleanup(&req);
  if (r != 0) {
    ASSERT(r == UV_EPERM || r == UV_ENOTSUP);
    fs_scratch_done(&s);
    close_loop_and_check(&loop);
    if (r == UV_EPERM)
      RETURN_SKIP("symbolic links need SeCreateSymbolicLinkPrivilege or "
                  "Developer Mode");
    RETURN_SKIP("Wine: CreateSymbolicLinkW is a stub (reported as "
                "UV_ENOTSUP)");
  }
  ASSERT_OK(uv_fs_readlink(&loop, &req, link, NULL));
  ASSERT_STR_EQ("target", req.ptr);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_lstat(&loop, &req, link, NULL));
  ASSERT_UINT64_EQ(S_IFLNK, req.statbuf.st_mode & S_IFMT);
  ASSERT_UINT64_EQ(6, req.statbuf.st_size);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_stat(&loop, &req, link, NULL));
  ASSERT_UINT64_EQ(4, req.statbuf.st_size);
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_realpath(&loop, &req, link, NULL));
  ASSERT_GT(GetFullPathNameA(target, sizeof(full), full, NULL), 0);
  ASSERT_STR_EQ(full, req.ptr);
  uv_fs_req_cleanup(&req);
  ASSERT_EQ(UV_EEXIST, uv_fs_symlink(&loop, &req, "target", link, 0, NULL));
  uv_fs_req_cleanup(&req);
  ASSERT_OK(uv_fs_unlink(&loop, &req, link, NULL));
  uv_fs_req_cleanup(&req);

  fs_scratch_done(&s);
  close_loop_and_check(&loop);
  return 0;
#endif
}
