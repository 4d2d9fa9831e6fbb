#pragma once

#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>

namespace sse::ui {

// Where the server listens, as the operator chooses it: this computer only, every interface,
// or one network interface (by name, so a changed DHCP address still works).
struct BindChoice
{
    enum class Mode { LocalOnly, AllInterfaces, OneInterface, Address };
    Mode mode = Mode::LocalOnly;
    QString interfaceName; // Mode::OneInterface
    QHostAddress address;  // Mode::Address: an explicit --bind that matches no interface

    QString toSetting() const;
    static BindChoice fromSetting(const QString &text);
    // Maps a --bind address to the choice it means.
    static BindChoice fromAddress(const QHostAddress &address);

    friend bool operator==(const BindChoice &a, const BindChoice &b)
    {
        return a.mode == b.mode && a.interfaceName == b.interfaceName && a.address == b.address;
    }
};

// An IPv4 address of an interface that is up and not loopback.
struct LanAddress
{
    QString interfaceName;
    QString humanName;
    QHostAddress address;
};

QList<LanAddress> lanAddresses();
// The address to listen on; an interface that has gone away falls back to this computer only.
QHostAddress bindAddress(const BindChoice &choice, const QList<LanAddress> &lan = lanAddresses());
// The URLs a browser can open for a server bound to boundAddress: the LAN addresses first
// (what other devices need), the loopback one last; https:// ones when secure.
QStringList shareUrls(const QHostAddress &boundAddress, quint16 port, bool secure = false,
                      const QList<LanAddress> &lan = lanAddresses());
// Whether a URL shareUrls gave reaches this computer only (127.0.0.1, [::1]).
bool isLoopbackUrl(const QString &url);

} // namespace sse::ui
