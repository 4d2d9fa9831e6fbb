#include "mainwindow.h"

#include "servercontroller.h"

#include <QLabel>

namespace sse::ui {

MainWindow::MainWindow(ServerController *controller, const ServerConfig &config, QWidget *parent)
    : QMainWindow(parent)
    , m_controller(controller)
    , m_status(new QLabel(this))
{
    setWindowTitle(QStringLiteral("SSE Dashboard"));
    setCentralWidget(m_status);
    connect(controller, &ServerController::started, this,
            [this](const QString &url) { m_status->setText(tr("Listening on %1").arg(url)); });
    connect(controller, &ServerController::startFailed, this, [this](const QString &message) {
        m_status->setText(tr("The server could not start: %1").arg(message));
    });
    controller->start(config);
}

} // namespace sse::ui
