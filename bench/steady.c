// Open-loop load at a constant rate, in the manner of wrk2: request i is due at start + i/rate
// and its latency counts from that moment, so a slow answer, or a sender that fell behind, shows
// in the figures instead of quietly lowering the rate (coordinated omission). Written in C
// because the sender shares two cores with the server and Postgres: a Node sender wakes on 1 ms
// timers and its own lateness lands in every figure. Here a timerfd wakes the sender at each
// due time (hrtimer precision), requests go out on a pool of keep-alive connections, and the
// sender's own lateness (sent - due) is reported apart.
//
// Usage: steady <host-ip> <port> <request-file> <rate> <seconds> <connections> [stall-seconds]
// The request file holds one complete HTTP/1.1 request (keep-alive). Prints one JSON line.
// Gives up (exit 1) when requests are outstanding and none is answered for stall-seconds (10).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define BUF 65536

typedef struct {
  int fd;
  int busy;
  double due, sent; // ns since start
  char buf[BUF];
  size_t len;
} conn_t;

static struct sockaddr_in addr;
static char *request;
static size_t request_len;
static double t0;
static double *lateness; // due -> sent, ms, one per request sent
static long nsent;

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int open_conn(int ep, conn_t *c) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  c->fd = fd;
  c->busy = 0;
  c->len = 0;
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
  return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static int send_request(conn_t *c, double due) {
  c->busy = 1;
  c->due = due;
  c->sent = now_ns() - t0;
  c->len = 0;
  lateness[nsent++] = (c->sent - due) / 1e6;
  size_t off = 0;
  while (off < request_len) {
    ssize_t n = write(c->fd, request + off, request_len - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      c->busy = 0; // the broken connection is reopened when epoll reports it
      return -1;
    }
    off += (size_t)n;
  }
  return 0;
}

// 1 when buf holds one complete response; sets its status and the Server-Timing dur (ms, or -1).
static int parse_response(conn_t *c, int *status, double *server_ms, size_t *used) {
  c->buf[c->len] = 0;
  char *end = strstr(c->buf, "\r\n\r\n");
  if (!end) return 0;
  size_t head = (size_t)(end - c->buf) + 4;
  *status = atoi(c->buf + 9); // "HTTP/1.1 200"
  long body = 0;
  int chunked = 0;
  *server_ms = -1;
  for (char *line = strstr(c->buf, "\r\n"); line && line < end; line = strstr(line + 2, "\r\n")) {
    char *h = line + 2;
    if (strncasecmp(h, "content-length:", 15) == 0) body = strtol(h + 15, NULL, 10);
    if (strncasecmp(h, "transfer-encoding:", 18) == 0 && strcasestr(h, "chunked") && strcasestr(h, "chunked") < strstr(h, "\r\n")) chunked = 1;
    if (strncasecmp(h, "server-timing:", 14) == 0) {
      char *d = strstr(h, "dur=");
      if (d && d < end) *server_ms = strtod(d + 4, NULL);
    }
  }
  if (chunked) {
    // The last chunk is "0" and an empty line (no trailers from the servers measured here).
    char *last = strstr(c->buf + head, "\r\n0\r\n\r\n");
    if (!last && strncmp(c->buf + head, "0\r\n\r\n", 5) != 0) return 0;
    *used = last ? (size_t)(last - c->buf) + 7 : head + 5;
    return 1;
  }
  if (c->len < head + (size_t)body) return 0;
  *used = head + (size_t)body;
  return 1;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double pct(double *xs, long n, double p) {
  if (n == 0) return -1;
  long i = (long)(n * p);
  return xs[i >= n ? n - 1 : i];
}

int main(int argc, char **argv) {
  if (argc != 7 && argc != 8) {
    fprintf(stderr, "usage: steady <host-ip> <port> <request-file> <rate> <seconds> <connections> [stall-seconds]\n");
    return 2;
  }
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)atoi(argv[2]));
  if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
    fprintf(stderr, "steady: bad address %s\n", argv[1]);
    return 2;
  }
  FILE *f = fopen(argv[3], "rb");
  if (!f) {
    perror("steady: request file");
    return 2;
  }
  fseek(f, 0, SEEK_END);
  request_len = (size_t)ftell(f);
  rewind(f);
  request = malloc(request_len);
  if (fread(request, 1, request_len, f) != request_len) {
    fprintf(stderr, "steady: cannot read the request file\n");
    return 2;
  }
  fclose(f);
  double rate = atof(argv[4]), seconds = atof(argv[5]);
  int nconn = atoi(argv[6]);
  double stall_s = argc == 8 ? atof(argv[7]) : 10;
  long total = (long)(rate * seconds);
  if (rate <= 0 || seconds <= 0 || nconn <= 0 || total <= 0 || stall_s <= 0) {
    fprintf(stderr, "steady: rate, seconds, connections and stall-seconds must be positive\n");
    return 2;
  }
  double gap = 1e9 / rate;

  int ep = epoll_create1(0);
  conn_t *conns = calloc((size_t)nconn, sizeof(conn_t));
  for (int i = 0; i < nconn; i++)
    if (open_conn(ep, &conns[i]) != 0) {
      perror("steady: connect");
      return 1;
    }
  int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
  struct epoll_event tev = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &tev);

  double *latency = calloc((size_t)total, sizeof(double));   // due -> answer, ms
  lateness = calloc((size_t)total, sizeof(double));
  double *server = calloc((size_t)total, sizeof(double));    // Server-Timing, ms
  long done = 0, next = 0, nserver = 0, errors = 0, non2xx = 0, waited = 0;
  // Due requests that found every connection busy, oldest first (a ring of due times).
  double *backlog = calloc((size_t)total, sizeof(double));
  long bhead = 0, btail = 0;

  t0 = now_ns();
  double progress = 0; // when the last answer (or error) came, ns since start
  long seen = 0;
  struct epoll_event events[256];
  while (done + errors < total) {
    if (done + errors != seen) {
      seen = done + errors;
      progress = now_ns() - t0;
    } else if (nsent > done + errors && now_ns() - t0 - progress > stall_s * 1e9) {
      fprintf(stderr, "steady: no answer for %g s with %ld requests outstanding\n", stall_s, nsent - done - errors);
      return 1;
    }
    double now = now_ns() - t0;
    // Everything due by now goes out on an idle connection, or waits in the backlog.
    while (next < total && next * gap <= now) {
      double due = next * gap;
      next++;
      conn_t *idle = NULL;
      for (int i = 0; i < nconn && !idle; i++)
        if (!conns[i].busy) idle = &conns[i];
      if (!idle) {
        backlog[btail++] = due;
        waited++;
        continue;
      }
      if (send_request(idle, due) != 0) errors++;
    }
    if (next < total) {
      double at = t0 + next * gap;
      struct itimerspec its = {0};
      its.it_value.tv_sec = (time_t)(at / 1e9);
      its.it_value.tv_nsec = (long)(at - its.it_value.tv_sec * 1e9);
      timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
    }
    int n = epoll_wait(ep, events, 256, 1000);
    for (int e = 0; e < n; e++) {
      conn_t *c = events[e].data.ptr;
      if (!c) {
        uint64_t x;
        (void)!read(tfd, &x, sizeof x);
        continue;
      }
      ssize_t r = read(c->fd, c->buf + c->len, BUF - 1 - c->len);
      if (r <= 0) {
        if (r < 0 && errno == EINTR) continue;
        // The server closed the connection: the request on it is lost; open a fresh one.
        if (c->busy) errors++;
        epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
        if (open_conn(ep, c) != 0) {
          perror("steady: reconnect");
          return 1;
        }
        continue;
      }
      c->len += (size_t)r;
      int status;
      double server_ms;
      size_t used;
      if (!c->busy || !parse_response(c, &status, &server_ms, &used)) {
        if (c->len >= BUF - 1) {
          fprintf(stderr, "steady: response larger than %d bytes\n", BUF);
          return 1;
        }
        continue;
      }
      double end = now_ns() - t0;
      latency[done++] = (end - c->due) / 1e6;
      if (server_ms >= 0) server[nserver++] = server_ms;
      if (status < 200 || status >= 300) non2xx++;
      c->busy = 0;
      c->len = 0;
      if (bhead < btail) {
        if (send_request(c, backlog[bhead]) != 0) errors++;
        bhead++;
      }
    }
  }
  double elapsed = (now_ns() - t0) / 1e9;
  qsort(latency, (size_t)done, sizeof(double), cmp);
  qsort(lateness, (size_t)nsent, sizeof(double), cmp);
  qsort(server, (size_t)nserver, sizeof(double), cmp);
  printf("{\"requests\":%ld,\"seconds\":%.3f,\"p50\":%.3f,\"p99\":%.3f,\"max\":%.3f,"
         "\"latenessP99\":%.3f,\"serverP50\":%.3f,\"serverP99\":%.3f,\"waited\":%ld,\"errors\":%ld,\"non2xx\":%ld}\n",
         done, elapsed, pct(latency, done, 0.5), pct(latency, done, 0.99), done ? latency[done - 1] : -1,
         pct(lateness, nsent, 0.99), pct(server, nserver, 0.5), pct(server, nserver, 0.99), waited, errors, non2xx);
  return 0;
}
