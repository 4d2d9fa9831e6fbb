#include "uringsender.h"

#include "serverlogging.h"

#include <liburing.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace sse {

namespace {

constexpr int SendFlags = MSG_NOSIGNAL | MSG_DONTWAIT;
constexpr qsizetype Unanswered = -100;

qsizetype sendResult(int completion)
{
    if (completion >= 0)
        return completion;
    return completion == -EAGAIN || completion == -EINTR ? 0 : -1;
}

} // namespace

UringSender::UringSender()
    : m_ring(std::make_unique<io_uring>())
{
    m_ring->ring_fd = -1;
    m_inFlight.reserve(BatchSize);
}

UringSender::~UringSender()
{
    if (m_ring->ring_fd >= 0)
        io_uring_queue_exit(m_ring.get());
}

std::unique_ptr<UringSender> UringSender::create(QString *error)
{
    std::unique_ptr<UringSender> sender(new UringSender);
    io_uring_params params{};
    // SUBMIT_ALL: a bad entry does not stop the rest of the batch. COOP_TASKRUN: no
    // interrupt to run completion work, this thread reaps it when it enters anyway.
    params.flags = IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN;
    params.cq_entries = 2 * BatchSize;
    params.flags |= IORING_SETUP_CQSIZE;
    int result = io_uring_queue_init_params(BatchSize, sender->m_ring.get(), &params);
    if (result == -EINVAL) { // a kernel before 5.19 knows neither flag; both only help
        params = io_uring_params{};
        params.cq_entries = 2 * BatchSize;
        params.flags = IORING_SETUP_CQSIZE;
        result = io_uring_queue_init_params(BatchSize, sender->m_ring.get(), &params);
    }
    if (result < 0) {
        sender->m_ring->ring_fd = -1;
        *error = QStringLiteral("io_uring_setup: %1")
                     .arg(QString::fromLocal8Bit(std::strerror(-result)));
        return nullptr;
    }
    // Registered sockets spare the kernel looking up and reference-counting the file of
    // every send. The table may not be larger than the open-file limit; without it (a memory
    // limit), sends name plain descriptors.
    rlimit openFiles{};
    ::getrlimit(RLIMIT_NOFILE, &openFiles);
    const unsigned tableSize = unsigned(std::min<rlim_t>(MaxFixedFiles, openFiles.rlim_cur));
    if (io_uring_register_files_sparse(sender->m_ring.get(), tableSize) == 0)
        sender->m_registered.assign(tableSize, false);
    // A ring may be allowed while its operations are not (seccomp filters, old kernels): try
    // the one this class uses on a socket pair before relying on it.
    int sockets[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets) != 0) {
        *error = QStringLiteral("socketpair: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        return nullptr;
    }
    qsizetype sent = -2;
    sender->queue(sockets[0], "x", 1, &sent);
    sender->flush();
    ::close(sockets[0]);
    ::close(sockets[1]);
    if (sent != 1) {
        *error = QStringLiteral("a test send through io_uring failed");
        return nullptr;
    }
    return sender;
}

void UringSender::queue(int socket, const char *data, size_t length, qsizetype *result)
{
    if (m_inFlight.size() >= BatchSize)
        submitAndReap(); // leaves the submission queue empty, unless the ring broke
    io_uring_sqe *entry = m_broken ? nullptr : io_uring_get_sqe(m_ring.get());
    if (!entry) {
        *result = 0; // to the caller's queue
        return;
    }
    io_uring_prep_send(entry, socket, data, length, SendFlags);
    if (size_t(socket) < m_registered.size() && m_registered[size_t(socket)])
        entry->flags |= IOSQE_FIXED_FILE; // its slot is its descriptor
    io_uring_sqe_set_data64(entry, m_inFlight.size());
    m_inFlight.push_back(result);
}

void UringSender::registerSocket(int socket)
{
    if (socket < 0 || size_t(socket) >= m_registered.size())
        return;
    m_registered[size_t(socket)] =
        io_uring_register_files_update(m_ring.get(), unsigned(socket), &socket, 1) == 1;
}

void UringSender::unregisterSocket(int socket)
{
    if (socket < 0 || size_t(socket) >= m_registered.size() || !m_registered[size_t(socket)])
        return;
    int empty = -1;
    io_uring_register_files_update(m_ring.get(), unsigned(socket), &empty, 1);
    m_registered[size_t(socket)] = false;
}

void UringSender::flush()
{
    if (!m_inFlight.empty())
        submitAndReap();
}

void UringSender::submitAndReap()
{
    size_t pending = m_inFlight.size();
    for (qsizetype *result : m_inFlight)
        *result = Unanswered;
    while (pending > 0) {
        // MSG_DONTWAIT sends finish inside the call, so this seldom waits at all.
        const int entered = io_uring_submit_and_wait(m_ring.get(), unsigned(pending));
        unsigned head;
        unsigned seen = 0;
        io_uring_cqe *completion;
        io_uring_for_each_cqe(m_ring.get(), head, completion)
        {
            *m_inFlight[io_uring_cqe_get_data64(completion)] = sendResult(completion->res);
            ++seen;
        }
        io_uring_cq_advance(m_ring.get(), seen);
        pending -= std::min<size_t>(seen, pending);
        if (entered >= 0 || entered == -EINTR || entered == -EAGAIN || entered == -EBUSY)
            continue; // submitted, or a transient refusal: the rest is reaped next round
        // An error answer means nothing was submitted by this call; what completed before
        // is reaped above, the rest never left. Send it through the caller's queue instead.
        qCCritical(lcHub) << "io_uring_enter failed, sending with send() from now on:"
                          << std::strerror(-entered);
        m_broken = true;
        for (qsizetype *result : m_inFlight) {
            if (*result == Unanswered)
                *result = 0;
        }
        break;
    }
    m_inFlight.clear();
}

} // namespace sse
