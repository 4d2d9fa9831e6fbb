#include "bindchoice.h"

#include <QUrl>

#include <QNetworkInterface>

namespace sse::ui {

QString BindChoice::toSetting() const
{
    switch (mode) {
    case Mode::LocalOnly:
        return QStringLiteral("local");
    case Mode::AllInterfaces:
        return QStringLiteral("all");
    case Mode::OneInterface:
        return QStringLiteral("interface:") + interfaceName;
    case Mode::Address:
        return QStringLiteral("address:") + address.toString();
    }
    return {};
}

BindChoice BindChoice::fromSetting(const QString &text)
{
    BindChoice choice;
    if (text == QLatin1String("all")) {
        choice.mode = Mode::AllInterfaces;
    } else if (text.startsWith(QLatin1String("interface:"))) {
        choice.mode = Mode::OneInterface;
        choice.interfaceName = text.mid(10);
    } else if (text.startsWith(QLatin1String("address:"))) {
        choice = fromAddress(QHostAddress(text.mid(8)));
    }
    return choice;
}

BindChoice BindChoice::fromAddress(const QHostAddress &address)
{
    BindChoice choice;
    if (address.isNull() || address.isLoopback())
        return choice;
    if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4 ||
        address == QHostAddress::AnyIPv6) {
        choice.mode = Mode::AllInterfaces;
        return choice;
    }
    for (const LanAddress &lan : lanAddresses()) {
        if (lan.address == address) {
            choice.mode = Mode::OneInterface;
            choice.interfaceName = lan.interfaceName;
            return choice;
        }
    }
    choice.mode = Mode::Address;
    choice.address = address;
    return choice;
}

QList<LanAddress> lanAddresses()
{
    QList<LanAddress> result;
    const auto interfaces = QNetworkInterface::allInterfaces();
    for (const QNetworkInterface &interface : interfaces) {
        const auto flags = interface.flags();
        if (!flags.testFlag(QNetworkInterface::IsUp) ||
            !flags.testFlag(QNetworkInterface::IsRunning) ||
            flags.testFlag(QNetworkInterface::IsLoopBack))
            continue;
        const auto entries = interface.addressEntries();
        for (const QNetworkAddressEntry &entry : entries) {
            // Phones and browsers type IPv4 addresses; link-local IPv6 needs a scope id.
            if (entry.ip().protocol() == QAbstractSocket::IPv4Protocol)
                result.append(
                    LanAddress{interface.name(), interface.humanReadableName(), entry.ip()});
        }
    }
    return result;
}

QHostAddress bindAddress(const BindChoice &choice, const QList<LanAddress> &lan)
{
    switch (choice.mode) {
    case BindChoice::Mode::LocalOnly:
        return QHostAddress(QHostAddress::LocalHost);
    case BindChoice::Mode::AllInterfaces:
        return QHostAddress(QHostAddress::AnyIPv4);
    case BindChoice::Mode::OneInterface:
        for (const LanAddress &entry : lan) {
            if (entry.interfaceName == choice.interfaceName)
                return entry.address;
        }
        return QHostAddress(QHostAddress::LocalHost);
    case BindChoice::Mode::Address:
        return choice.address;
    }
    return QHostAddress(QHostAddress::LocalHost);
}

QStringList shareUrls(const QHostAddress &boundAddress, quint16 port, bool secure,
                      const QList<LanAddress> &lan)
{
    const QString scheme = secure ? QStringLiteral("https://") : QStringLiteral("http://");
    const auto url = [port, &scheme](const QHostAddress &address) {
        const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
                                 ? QLatin1Char('[') + address.toString() + QLatin1Char(']')
                                 : address.toString();
        return QString(scheme + host + QLatin1Char(':') + QString::number(port) + QLatin1Char('/'));
    };
    QStringList urls;
    const bool everywhere = boundAddress == QHostAddress::AnyIPv4 ||
                            boundAddress == QHostAddress::Any ||
                            boundAddress == QHostAddress::AnyIPv6;
    if (everywhere) {
        for (const LanAddress &entry : lan)
            urls.append(url(entry.address));
        urls.append(url(QHostAddress(QHostAddress::LocalHost)));
    } else {
        urls.append(url(boundAddress));
    }
    urls.removeDuplicates();
    return urls;
}

bool isLoopbackUrl(const QString &url)
{
    return QHostAddress(QUrl(url).host()).isLoopback();
}

} // namespace sse::ui
