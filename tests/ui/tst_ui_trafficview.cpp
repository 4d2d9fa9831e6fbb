// The Traffic log panel in the dashboard window against a real server on a loopback port:
// filters, NDJSON and HAR exports, request headers shown raw or in hex, copy as curl.
#include "mainwindow.h"
#include "models/clientsmodel.h"
#include "models/logexport.h"
#include "models/trafficfiltermodel.h"
#include "models/trafficlogmodel.h"
#include "servercontroller.h"
#include "trafficlogview.h"
#include "windowfixture.h"

#include <QAction>
#include <QClipboard>
#include <QComboBox>
#include <QFile>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QTableView>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace sse;
using namespace sse::ui;
using testsupport::Subscriber;

class TestTrafficLogPanel : public QObject, private testsupport::DashboardWindowTest
{
    Q_OBJECT

private slots:
    void initTestCase() { initSettings(QStringLiteral("tst_ui_trafficview")); }
    void init() { QSettings().clear(); }
    void cleanup() { closeWindow(); }

    void trafficLogFiltersAndExports()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        Subscriber subscriber(m_controller->port());
        QTRY_COMPARE(m_window->clientsModel()->rowCount(), 1);
        for (const char *type : {"alpha", "beta", "alpha"}) {
            compose(QString::fromLatin1(type), QStringLiteral("payload"));
            QTest::mouseClick(child<QPushButton>("sendButton"), Qt::LeftButton);
        }
        TrafficLogModel *log = m_window->trafficModel();
        const auto countOut = [log](const QString &type) {
            int count = 0;
            for (const TrafficRecord &record : log->records())
                count += record.direction == TrafficDirection::Out && record.eventType == type;
            return count;
        };
        QTRY_COMPARE(countOut(QStringLiteral("alpha")), 2);
        QTRY_COMPARE(countOut(QStringLiteral("beta")), 1);

        TrafficLogView *view = m_window->trafficView();
        child<QComboBox>("logEventTypeFilter")->setCurrentText(QStringLiteral("alpha"));
        QCOMPARE(view->filterModel()->rowCount(), 2);
        child<QComboBox>("logDirectionFilter")->setCurrentIndex(3); // System
        QCOMPARE(view->filterModel()->rowCount(), 0);
        child<QComboBox>("logDirectionFilter")->setCurrentIndex(0);

        // The detail pane shows the raw bytes of the chosen row.
        view->table()->setCurrentIndex(view->filterModel()->index(0, 0));
        QVERIFY(child<QPlainTextEdit>("trafficDetails")
                    ->toPlainText()
                    .contains(QStringLiteral("event: alpha")));

        QTemporaryDir dir;
        const QString ndjsonPath = dir.filePath(QStringLiteral("filtered.ndjson"));
        QCOMPARE(view->exportTo(ndjsonPath, TrafficLogView::ExportFormat::Ndjson,
                                TrafficLogView::ExportScope::Filtered),
                 QString());
        QFile ndjson(ndjsonPath);
        QVERIFY(ndjson.open(QIODevice::ReadOnly));
        const QList<TrafficRecord> filtered = importNdjson(ndjson.readAll());
        QCOMPARE(filtered.size(), 2);
        QCOMPARE(filtered.at(1).eventType, QStringLiteral("alpha"));
        QVERIFY(filtered.at(1).raw.contains("event: alpha\ndata: payload\n\n"));

        const QString harPath = dir.filePath(QStringLiteral("all.har"));
        QCOMPARE(view->exportTo(harPath, TrafficLogView::ExportFormat::Har,
                                TrafficLogView::ExportScope::Everything),
                 QString());
        QFile har(harPath);
        QVERIFY(har.open(QIODevice::ReadOnly));
        QCOMPARE(importHar(har.readAll()).size(),
                 view->records(TrafficLogView::ExportScope::Everything).size());

        QTest::mouseClick(child<QPushButton>("logClear"), Qt::LeftButton);
        QCOMPARE(log->rowCount(), 0);
    }

    void requestHeadersAreCapturedAndShownRawOrHex()
    {
        openWindow();
        QVERIFY(waitUntilRunning());
        QTcpSocket client;
        client.connectToHost(QHostAddress(QHostAddress::LocalHost), m_controller->port());
        const QByteArray body = "{\"data\":\"with headers\"}";
        client.write("POST /publish?channel=x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Probe: 42\r\n"
                     "Content-Type: application/json\r\nContent-Length: " +
                     QByteArray::number(body.size()) + "\r\n\r\n" + body);
        TrafficLogModel *log = m_window->trafficModel();
        const auto findPublish = [log]() -> int {
            for (int row = 0; row < log->rowCount(); ++row) {
                if (log->record(row).method == QLatin1String("POST"))
                    return row;
            }
            return -1;
        };
        QTRY_VERIFY(findPublish() >= 0);
        const TrafficRecord &record = log->record(findPublish());
        QCOMPARE(record.path, QStringLiteral("/publish?channel=x"));
        QVERIFY(record.requestHeaders.contains(qMakePair(QByteArray("X-Probe"), QByteArray("42"))));

        TrafficLogView *view = m_window->trafficView();
        view->table()->setCurrentIndex(
            view->filterModel()->mapFromSource(log->index(findPublish(), 0)));
        QVERIFY(view->detailsText().contains(QStringLiteral("POST /publish?channel=x HTTP/1.1")));
        QVERIFY(view->detailsText().contains(QStringLiteral("X-Probe: 42")));
        QVERIFY(view->detailsText().contains(QStringLiteral("with headers")));
        view->setHexView(true);
        // "POST" is 50 4f 53 54.
        QVERIFY(view->detailsText().contains(QStringLiteral("00000000  50 4f 53 54")));
        QVERIFY(child<QPlainTextEdit>("trafficDetails")
                    ->toPlainText()
                    .contains(QStringLiteral("|POST /publish")));

        // The row's context menu: copy as curl repeats the request.
        QMenu *menu = view->contextMenuForRow(view->table()->currentIndex().row());
        QAction *curl = nullptr;
        for (QAction *action : menu->actions()) {
            if (action->text() == QLatin1String("Copy as curl"))
                curl = action;
        }
        QVERIFY(curl);
        curl->trigger();
        const QString copied = QGuiApplication::clipboard()->text();
        QVERIFY2(copied.contains(QStringLiteral("-H 'X-Probe: 42'")), qPrintable(copied));
        delete menu;
    }
};

QTEST_MAIN(TestTrafficLogPanel)
#include "tst_ui_trafficview.moc"
