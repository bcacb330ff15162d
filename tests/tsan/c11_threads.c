// C11 threads over the pthread calls ThreadSanitizer intercepts, for ops/sanitize tsan
// (LD_PRELOAD=libtsan_c11_threads.so).
//
// Why: Debian's librdkafka makes its threads and locks with C11 <threads.h>. glibc 2.34+
// implements thrd_create, mtx_lock, cnd_wait, ... by calling its internal pthread functions
// directly, past TSan's pthread_* interceptors, so TSan never learns those threads exist: the
// first malloc on one (serve's consumer, dev-broker's mock cluster) dereferences a thread state
// TSan never made, and the process dies with SEGV. Routing them through the public pthread
// functions (which resolve to TSan's interceptors in an instrumented process, and to glibc in
// any other) gives TSan the threads and also librdkafka's locks, so the happens-before they
// carry into our callbacks is seen rather than reported as races.
//
// Built without -fsanitize (plain calls, no instrumentation needed), so the curl, python and
// promtool processes the tests start under the same LD_PRELOAD run unchanged.
// glibc's mtx_t, cnd_t, thrd_t and once_flag are the pthread objects' storage (mtx_init and
// cnd_init are pthread_mutex_init and pthread_cond_init on them), so the casts below are what
// glibc itself does.
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <threads.h>

static int FromErrno(int e) {
  switch (e) {
    case 0:
      return thrd_success;
    case ENOMEM:
      return thrd_nomem;
    case ETIMEDOUT:
      return thrd_timedout;
    case EBUSY:
      return thrd_busy;
    default:
      return thrd_error;
  }
}

struct Start {
  thrd_start_t func;
  void* arg;
};

static void* Trampoline(void* p) {
  struct Start start = *(struct Start*)p;
  free(p);
  return (void*)(intptr_t)start.func(start.arg);
}

int thrd_create(thrd_t* thr, thrd_start_t func, void* arg) {
  struct Start* start = malloc(sizeof *start);
  if (start == NULL) return thrd_nomem;
  start->func = func;
  start->arg = arg;
  int e = pthread_create((pthread_t*)thr, NULL, Trampoline, start);
  if (e != 0) free(start);
  return FromErrno(e);
}

int thrd_join(thrd_t thr, int* res) {
  void* r = NULL;
  int e = pthread_join((pthread_t)thr, &r);
  if (e == 0 && res != NULL) *res = (int)(intptr_t)r;
  return FromErrno(e);
}

int thrd_detach(thrd_t thr) { return FromErrno(pthread_detach((pthread_t)thr)); }

int mtx_init(mtx_t* m, int type) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  if (type & mtx_recursive) pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  int e = pthread_mutex_init((pthread_mutex_t*)m, &attr);
  pthread_mutexattr_destroy(&attr);
  return FromErrno(e);
}
void mtx_destroy(mtx_t* m) { pthread_mutex_destroy((pthread_mutex_t*)m); }
int mtx_lock(mtx_t* m) { return FromErrno(pthread_mutex_lock((pthread_mutex_t*)m)); }
int mtx_trylock(mtx_t* m) { return FromErrno(pthread_mutex_trylock((pthread_mutex_t*)m)); }
int mtx_timedlock(mtx_t* restrict m, const struct timespec* restrict at) {
  return FromErrno(pthread_mutex_timedlock((pthread_mutex_t*)m, at));
}
int mtx_unlock(mtx_t* m) { return FromErrno(pthread_mutex_unlock((pthread_mutex_t*)m)); }

int cnd_init(cnd_t* c) { return FromErrno(pthread_cond_init((pthread_cond_t*)c, NULL)); }
void cnd_destroy(cnd_t* c) { pthread_cond_destroy((pthread_cond_t*)c); }
int cnd_signal(cnd_t* c) { return FromErrno(pthread_cond_signal((pthread_cond_t*)c)); }
int cnd_broadcast(cnd_t* c) { return FromErrno(pthread_cond_broadcast((pthread_cond_t*)c)); }
int cnd_wait(cnd_t* c, mtx_t* m) {
  return FromErrno(pthread_cond_wait((pthread_cond_t*)c, (pthread_mutex_t*)m));
}
int cnd_timedwait(cnd_t* restrict c, mtx_t* restrict m, const struct timespec* restrict at) {
  return FromErrno(pthread_cond_timedwait((pthread_cond_t*)c, (pthread_mutex_t*)m, at));
}

void call_once(once_flag* flag, void (*func)(void)) { pthread_once((pthread_once_t*)flag, func); }
