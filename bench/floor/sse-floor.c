/* sse-floor: the plainest fan-out an SSE server can do, as a floor for bench/compare.sh.
 *
 * One thread, one epoll instance, and one write() per event per subscriber: no batching, no
 * coalescing of events, no threads. Any server built on one system call per delivery pays at
 * least what this program pays, so it is the floor such a server can approach but not pass.
 *
 *   GET  <any path>   a subscriber: 200, text/event-stream, then "data: <body>\n\n" per event
 *   POST <any path>   publish the request body (Content-Length) as one event's data; 202
 *
 * Subscribers get TCP_NODELAY, as sse-dashboard's streams do, so both pay the same packets.
 * What the kernel does not take at once is kept in a per-subscriber buffer and written on
 * EPOLLOUT, so a slow reader loses nothing. Loopback benchmarking only: no keep-alive limits,
 * no request size limits beyond the buffer, no security.
 *
 *   sse-floor [PORT]      listens on 127.0.0.1:PORT (0 or none: any free port); prints the URL
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum { MaxFds = 1 << 20, RequestBuffer = 64 * 1024 };

struct conn {
    int subscriber;  /* 1 once the SSE head is sent */
    size_t inLength; /* bytes of the request read so far */
    char *in;        /* request bytes (publishers and not yet answered subscribers) */
    char *out;       /* what the kernel did not take yet */
    size_t outLength;
};

static struct conn *conns[MaxFds];
static int subscribers[MaxFds];
static int subscriberCount;
static int epollFd;

static void closeConn(int fd)
{
    struct conn *c = conns[fd];
    if (c->subscriber) {
        for (int i = 0; i < subscriberCount; ++i) {
            if (subscribers[i] == fd) {
                subscribers[i] = subscribers[--subscriberCount];
                break;
            }
        }
    }
    free(c->in);
    free(c->out);
    free(c);
    conns[fd] = NULL;
    close(fd);
}

/* write(), keeping what the kernel did not take; -1 when the peer is gone */
static int send_bytes(int fd, const char *data, size_t length)
{
    struct conn *c = conns[fd];
    if (c->outLength == 0) {
        ssize_t n = write(fd, data, length);
        if (n < 0 && errno != EAGAIN)
            return -1;
        if (n < 0)
            n = 0;
        data += n;
        length -= (size_t)n;
        if (length == 0)
            return 0;
        struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.fd = fd};
        epoll_ctl(epollFd, EPOLL_CTL_MOD, fd, &ev);
    }
    c->out = realloc(c->out, c->outLength + length);
    memcpy(c->out + c->outLength, data, length);
    c->outLength += length;
    return 0;
}

static void flush_out(int fd)
{
    struct conn *c = conns[fd];
    ssize_t n = write(fd, c->out, c->outLength);
    if (n < 0) {
        if (errno != EAGAIN)
            closeConn(fd);
        return;
    }
    memmove(c->out, c->out + n, c->outLength - (size_t)n);
    c->outLength -= (size_t)n;
    if (c->outLength == 0) {
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
        epoll_ctl(epollFd, EPOLL_CTL_MOD, fd, &ev);
    }
}

static void publish(const char *body, size_t length)
{
    static char *event;
    static size_t capacity;
    const size_t size = length + 8;
    if (size > capacity) {
        capacity = size;
        event = realloc(event, capacity);
    }
    memcpy(event, "data: ", 6);
    memcpy(event + 6, body, length);
    memcpy(event + 6 + length, "\n\n", 2);
    for (int i = 0; i < subscriberCount;) {
        const int fd = subscribers[i];
        if (send_bytes(fd, event, size) < 0)
            closeConn(fd); /* moves the last subscriber to i */
        else
            ++i;
    }
}

/* Answers every complete request in the buffer; -1 closes the connection. */
static int handle_requests(int fd)
{
    struct conn *c = conns[fd];
    for (;;) {
        char *end = memmem(c->in, c->inLength, "\r\n\r\n", 4);
        if (!end)
            return c->inLength < RequestBuffer ? 0 : -1;
        const size_t headLength = (size_t)(end - c->in) + 4;
        if (strncmp(c->in, "GET ", 4) == 0) {
            static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                                       "Cache-Control: no-cache\r\n\r\n";
            c->subscriber = 1;
            subscribers[subscriberCount++] = fd;
            const int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            c->inLength = 0;
            return send_bytes(fd, head, sizeof head - 1);
        }
        if (strncmp(c->in, "POST ", 5) != 0)
            return -1;
        const char *lengthField = strcasestr(c->in, "\r\nContent-Length:");
        if (!lengthField || lengthField > end)
            return -1;
        const size_t bodyLength = strtoul(lengthField + 17, NULL, 10);
        if (headLength + bodyLength > RequestBuffer)
            return -1;
        if (c->inLength < headLength + bodyLength)
            return 0;
        publish(c->in + headLength, bodyLength);
        static const char answer[] = "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n";
        if (send_bytes(fd, answer, sizeof answer - 1) < 0)
            return -1;
        c->inLength -= headLength + bodyLength;
        memmove(c->in, c->in + headLength + bodyLength, c->inLength);
    }
}

static void on_readable(int fd)
{
    struct conn *c = conns[fd];
    if (c->subscriber) { /* EOF, or bytes an SSE client must not send */
        closeConn(fd);
        return;
    }
    const ssize_t n = read(fd, c->in + c->inLength, RequestBuffer - c->inLength);
    if (n <= 0) {
        if (n == 0 || errno != EAGAIN)
            closeConn(fd);
        return;
    }
    c->inLength += (size_t)n;
    if (handle_requests(fd) < 0)
        closeConn(fd);
    else if (conns[fd] && conns[fd]->subscriber) {
        free(c->in);
        c->in = NULL;
    }
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    const int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    const int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = {.sin_family = AF_INET,
                                  .sin_port = htons(argc > 1 ? (uint16_t)atoi(argv[1]) : 0),
                                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t addressLength = sizeof address;
    if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0 ||
        listen(listener, 4096) != 0 ||
        getsockname(listener, (struct sockaddr *)&address, &addressLength) != 0) {
        perror("sse-floor: listen");
        return 1;
    }
    epollFd = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = listener};
    epoll_ctl(epollFd, EPOLL_CTL_ADD, listener, &ev);
    printf("http://127.0.0.1:%d/\n", ntohs(address.sin_port));
    fflush(stdout);

    struct epoll_event events[256];
    for (;;) {
        const int ready = epoll_wait(epollFd, events, 256, -1);
        for (int i = 0; i < ready; ++i) {
            const int fd = events[i].data.fd;
            if (fd == listener) {
                int client;
                while ((client = accept4(listener, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    if (client >= MaxFds) {
                        close(client);
                        continue;
                    }
                    conns[client] = calloc(1, sizeof(struct conn));
                    conns[client]->in = malloc(RequestBuffer);
                    struct epoll_event clientEvent = {.events = EPOLLIN, .data.fd = client};
                    epoll_ctl(epollFd, EPOLL_CTL_ADD, client, &clientEvent);
                }
                continue;
            }
            if (!conns[fd])
                continue; /* closed earlier in this round */
            if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
                on_readable(fd);
            else if (events[i].events & EPOLLOUT)
                flush_out(fd);
        }
    }
}
