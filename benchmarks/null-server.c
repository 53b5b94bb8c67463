/*
 * null-server: a socketmap server that does no work, the ceiling of the load generator and the
 * kernel on this machine. It answers every netstring request with "NOTFOUND " at once, on one
 * epoll thread, and checks nothing but the framing (a connection that sends something that is not
 * a netstring is closed). benchmarks/run.sh runs smload against it beside sockmapd's cached map.
 *
 *   cc -O2 -o null-server benchmarks/null-server.c && ./null-server 18740
 */
#define _GNU_SOURCE /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CONNS 65536
#define IN_SIZE 65536
#define OUT_SIZE 65536

static const char REPLY[] = "9:NOTFOUND ,";

struct conn {
    char in[IN_SIZE];
    size_t in_len;
    char out[OUT_SIZE];
    size_t out_len;
};

static struct conn *conns[MAX_CONNS];

static void drop(int epfd, int fd) {
    epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
    close(fd);
    free(conns[fd]);
    conns[fd] = NULL;
}

/* Consumes the complete netstrings in c->in, queueing one reply each; -1 on a framing error. */
static int answer(struct conn *c) {
    size_t pos = 0;
    while (pos < c->in_len) {
        size_t len = 0, i = pos;
        while (i < c->in_len && c->in[i] >= '0' && c->in[i] <= '9') {
            len = len * 10 + (size_t) (c->in[i] - '0');
            if (len > IN_SIZE) return -1;
            i++;
        }
        if (i == c->in_len) break; /* the length is not complete yet */
        if (i == pos || c->in[i] != ':') return -1;
        if (i + 1 + len + 1 > c->in_len) break; /* the payload is not complete yet */
        if (c->in[i + 1 + len] != ',') return -1;
        if (c->out_len + sizeof REPLY - 1 > OUT_SIZE) return -1; /* a client that never reads */
        memcpy(c->out + c->out_len, REPLY, sizeof REPLY - 1);
        c->out_len += sizeof REPLY - 1;
        pos = i + 1 + len + 1;
    }
    memmove(c->in, c->in + pos, c->in_len - pos);
    c->in_len -= pos;
    return c->in_len == IN_SIZE ? -1 : 0;
}

static int flush(struct conn *c, int fd) {
    while (c->out_len > 0) {
        ssize_t n = write(fd, c->out, c->out_len);
        if (n < 0) return errno == EAGAIN ? 0 : -1;
        memmove(c->out, c->out + n, c->out_len - (size_t) n);
        c->out_len -= (size_t) n;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: null-server PORT\n");
        return 2;
    }
    int one = 1;
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t) atoi(argv[1]))};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(lfd, (struct sockaddr *) &addr, sizeof addr) < 0 || listen(lfd, 1024) < 0) {
        perror("null-server: listen");
        return 1;
    }
    int epfd = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = lfd};
    epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &ev);
    struct epoll_event events[256];
    for (;;) {
        int n = epoll_wait(epfd, events, 256, -1);
        for (int k = 0; k < n; k++) {
            int fd = events[k].data.fd;
            if (fd == lfd) {
                int cfd;
                while ((cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    if (cfd >= MAX_CONNS || !(conns[cfd] = calloc(1, sizeof(struct conn)))) {
                        close(cfd);
                        continue;
                    }
                    setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct epoll_event cev = {.events = EPOLLIN, .data.fd = cfd};
                    epoll_ctl(epfd, EPOLL_CTL_ADD, cfd, &cev);
                }
                continue;
            }
            struct conn *c = conns[fd];
            ssize_t got = read(fd, c->in + c->in_len, IN_SIZE - c->in_len);
            if (got == 0 || (got < 0 && errno != EAGAIN)) {
                drop(epfd, fd);
                continue;
            }
            if (got > 0) c->in_len += (size_t) got;
            if (answer(c) < 0 || flush(c, fd) < 0) drop(epfd, fd);
        }
    }
}
