// posix_fadvise(2) for whisper files, which Node's fs does not expose. Whisper updates read a
// few scattered pages per file; the kernel's readahead turns a read of one uncached page into
// hundreds of KB of page cache per file, which evicts other files' pages once the data set
// outgrows memory (carbon's WHISPER_FADVISE_RANDOM does the same through python's os module).
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>

// fadvise(fd, offset, length, advice) -> 0, or the errno posix_fadvise returned
static napi_value Advise(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  int32_t fd = -1, advice = 0;
  int64_t offset = 0, length = 0;
  napi_value out;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4 ||
      napi_get_value_int32(env, argv[0], &fd) != napi_ok ||
      napi_get_value_int64(env, argv[1], &offset) != napi_ok ||
      napi_get_value_int64(env, argv[2], &length) != napi_ok ||
      napi_get_value_int32(env, argv[3], &advice) != napi_ok) {
    napi_throw_type_error(env, NULL, "fadvise(fd, offset, length, advice) takes four numbers");
    return NULL;
  }
#ifdef POSIX_FADV_RANDOM
  int rc = posix_fadvise(fd, (off_t)offset, (off_t)length, advice);
#else
  int rc = ENOSYS;
#endif
  napi_create_int32(env, rc, &out);
  return out;
}

static void SetInt(napi_env env, napi_value obj, const char *name, int32_t v) {
  napi_value n;
  napi_create_int32(env, v, &n);
  napi_set_named_property(env, obj, name, n);
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "fadvise", NAPI_AUTO_LENGTH, Advise, NULL, &fn);
  napi_set_named_property(env, exports, "fadvise", fn);
#ifdef POSIX_FADV_RANDOM
  SetInt(env, exports, "RANDOM", POSIX_FADV_RANDOM);
  SetInt(env, exports, "DONTNEED", POSIX_FADV_DONTNEED);
#endif
  return exports;
}
