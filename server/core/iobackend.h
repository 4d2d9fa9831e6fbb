#pragma once

#include <QString>

#include <optional>

namespace sse {

// How fan-outs reach the kernel (--io): one send() per stream, or one io_uring_enter() per
// batch of sends. Auto takes io_uring when the kernel allows it.
enum class IoBackend { Auto, Epoll, Uring };
// The names --io takes and /api/stats shows: "auto", "epoll", "uring"; nullopt for others.
std::optional<IoBackend> ioBackendFromName(const QString &name);
QString ioBackendName(IoBackend io);

} // namespace sse
