// MainWindow's wiring of the fault, history and cluster panels to the server controller.
#include "clientsview.h"
#include "clusterdock.h"
#include "faultsdock.h"
#include "historydock.h"
#include "mainwindow.h"
#include "servercontroller.h"

#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>

namespace sse::ui {

void MainWindow::connectFaults()
{
    connect(m_faultsDock, &FaultsDock::installRequested, m_controller,
            &ServerController::installFault);
    connect(m_faultsDock, &FaultsDock::removeRequested, m_controller,
            &ServerController::removeFault);
    connect(m_faultsDock, &FaultsDock::removeAllRequested, m_controller,
            &ServerController::removeAllFaults);
    connect(m_faultsDock, &FaultsDock::chaosStartRequested, m_controller,
            &ServerController::startChaos);
    connect(m_faultsDock, &FaultsDock::chaosStopRequested, m_controller,
            &ServerController::stopChaos);
    connect(m_clientsView, &ClientsView::selectionChanged, m_faultsDock,
            &FaultsDock::setSelectedClients);
    connect(m_clientsView, &ClientsView::breakStreamRequested, this,
            [this](const QList<quint64> &clientIds, FaultSpec spec) {
                spec.target.kind = FaultTarget::Kind::Client;
                for (const quint64 clientId : clientIds) {
                    spec.target.clientId = clientId;
                    m_controller->installFault(spec);
                }
            });
    connect(m_controller, &ServerController::faultInstalled, this,
            [this](quint64 faultId, int applied) {
                statusBar()->showMessage(
                    tr("Fault #%1 installed; it hit %n stream(s) at once", nullptr, applied)
                        .arg(faultId),
                    5000);
            });
    auto refused = [this](const QString &message) {
        m_faultsDock->showError(message);
        statusBar()->showMessage(tr("Fault refused: %1").arg(message), 10000);
    };
    connect(m_controller, &ServerController::faultRefused, this, refused);
    connect(m_controller, &ServerController::chaosRefused, this, refused);
}

void MainWindow::connectHistory()
{
    connect(m_historyDock, &HistoryDock::statusMessage, this,
            [this](const QString &message) { statusBar()->showMessage(message, 10000); });
    connect(m_controller, &ServerController::historyFileRefused, this,
            &MainWindow::offerMemoryHistory);
}

void MainWindow::connectCluster()
{
    connect(m_controller, &ServerController::snapshotReady, m_clusterDock,
            &ClusterDock::applySnapshot);
    // A new run starts a new list (or none, without Redis).
    connect(m_controller, &ServerController::started, m_clusterDock, &ClusterDock::clear);
    connect(m_controller, &ServerController::startFailed, m_clusterDock, &ClusterDock::clear);
    connect(m_controller, &ServerController::stopped, m_clusterDock, &ClusterDock::clear);
    connect(m_clusterDock, &ClusterDock::disconnectRequested, m_controller,
            &ServerController::disconnectClusterClient);
    connect(m_controller, &ServerController::clusterDisconnectRefused, this,
            [this](const QString &instanceId, quint64 clientId, const QString &message) {
                const QString text = tr("Client %1 of instance %2 was not disconnected: %3")
                                         .arg(clientId)
                                         .arg(instanceId, message);
                m_clusterDock->showStatus(text);
                statusBar()->showMessage(text, 10000);
            });
}

void MainWindow::offerMemoryHistory(const QString &message)
{
    // Not modal: the window stays usable (and testable) while the question is open.
    auto *question = new QMessageBox(QMessageBox::Warning, tr("History file refused"),
                                     tr("%1\n\nThe file was left as it is. Run with the history "
                                        "in memory this time? Settings can move the file or "
                                        "turn it off for good.")
                                         .arg(message),
                                     QMessageBox::Cancel, this);
    question->setObjectName(QStringLiteral("historyFallback"));
    question->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton *memory = question->addButton(tr("Run in memory"), QMessageBox::AcceptRole);
    memory->setObjectName(QStringLiteral("runInMemory"));
    question->setDefaultButton(memory);
    connect(memory, &QPushButton::clicked, this, [this] {
        m_historyInMemory = true;
        startServer();
    });
    question->open();
}

} // namespace sse::ui
