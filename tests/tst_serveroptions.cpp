// The one option table: command-line text, validation and settings all follow it.
#include "serveroptions.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using sse::ConfigOption;
using sse::ServerConfig;

class TestServerOptions : public QObject
{
    Q_OBJECT

private slots:
    void everyOptionIsComplete()
    {
        QStringList names;
        for (const ConfigOption &option : sse::configOptions()) {
            QVERIFY(!option.name.isEmpty() && !option.help.isEmpty());
            QVERIFY2(!names.contains(option.name), qPrintable(option.name));
            names.append(option.name);
            QVERIFY(option.get && option.set);
            QCOMPARE(option.valueName.isEmpty(), option.kind == ConfigOption::Kind::Flag);
            if (option.kind == ConfigOption::Kind::Integer) {
                QVERIFY(option.minimum <= option.maximum);
                // The default is inside its own range, and --help says what it is.
                QVERIFY(option.check(ServerConfig()).isEmpty());
                QVERIFY(option.helpWithDefault().contains(QStringLiteral("Default: ")));
            }
        }
        QVERIFY(ServerConfig().validate().isEmpty());
    }

    void textIsCheckedAgainstTheRange()
    {
        ServerConfig config;
        const ConfigOption &heartbeat = *sse::findConfigOption(QStringLiteral("heartbeat"));
        QVERIFY(heartbeat.setFromText(config, QStringLiteral("20")).isEmpty());
        QCOMPARE(config.heartbeatSeconds, 20);
        QCOMPARE(heartbeat.setFromText(config, QStringLiteral("0")),
                 QStringLiteral("--heartbeat: '0' is not a whole number from 1 to 3600"));
        QCOMPARE(config.heartbeatSeconds, 20); // a refused value changes nothing
        const ConfigOption &bind = *sse::findConfigOption(QStringLiteral("bind"));
        QVERIFY(
            bind.setFromText(config, QStringLiteral("nope")).contains(QStringLiteral("--bind")));
        QVERIFY(bind.setFromText(config, QStringLiteral("0.0.0.0")).isEmpty());
        QCOMPARE(config.bindAddress, QHostAddress(QHostAddress::AnyIPv4));
        QVERIFY(!sse::findConfigOption(QStringLiteral("no-such-option")));
    }

    void validateNamesTheOptionOutOfRange()
    {
        ServerConfig config;
        config.maxClients = 0;
        QCOMPARE(config.validate(), QStringLiteral("max-clients: must be between 1 and 1000000"));
        config = ServerConfig();
        config.idleTimeoutSeconds = 7200;
        QCOMPARE(config.validate(),
                 QStringLiteral("idle-timeout: must be between 1 and 3600 seconds"));
        config = ServerConfig();
        const sse::ConfigOption &io = *sse::findConfigOption(QStringLiteral("io"));
        QVERIFY(io.setFromText(config, QStringLiteral("iouring")).isEmpty());
        QCOMPARE(config.validate(),
                 QStringLiteral("io: must be auto, epoll or uring, not \"iouring\""));
        for (const char *accepted : {"auto", "epoll", "uring"}) {
            QVERIFY(io.setFromText(config, QLatin1String(accepted)).isEmpty());
            QVERIFY(config.validate().isEmpty());
        }
    }

    void settingsRoundTripTheRememberedOptions()
    {
        QTemporaryDir dir;
        QSettings settings(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
        ServerConfig saved;
        saved.port = 18123;
        saved.maxQueueBytes = 12345678;
        saved.subscriberToken = QStringLiteral("sub");
        saved.fanoutThreads = 7; // follows the machine: not remembered
        sse::saveConfig(settings, saved);
        settings.sync();
        QCOMPARE(settings.value(QStringLiteral("server/port")).toInt(), 18123);
        QVERIFY(!settings.contains(QStringLiteral("server/fanoutThreads")));

        ServerConfig loaded;
        sse::loadConfig(settings, loaded);
        QCOMPARE(loaded.port, quint16(18123));
        QCOMPARE(loaded.maxQueueBytes, qint64(12345678));
        QCOMPARE(loaded.subscriberToken, QStringLiteral("sub"));
        QCOMPARE(loaded.fanoutThreads, ServerConfig().fanoutThreads);
    }
};

QTEST_GUILESS_MAIN(TestServerOptions)
#include "tst_serveroptions.moc"
