#include "iobackend.h"

namespace sse {

std::optional<IoBackend> ioBackendFromName(const QString &name)
{
    for (const IoBackend io : {IoBackend::Auto, IoBackend::Epoll, IoBackend::Uring}) {
        if (name == ioBackendName(io))
            return io;
    }
    return std::nullopt;
}

QString ioBackendName(IoBackend io)
{
    switch (io) {
    case IoBackend::Auto:
        return QStringLiteral("auto");
    case IoBackend::Epoll:
        return QStringLiteral("epoll");
    case IoBackend::Uring:
        return QStringLiteral("uring");
    }
    return {};
}

} // namespace sse
