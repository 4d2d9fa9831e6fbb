#pragma once

#include "serverconfig.h"

#include <QMainWindow>

class QLabel;

namespace sse {
class ServerController;
}

namespace sse::ui {

// The dashboard's main window. It drives the server only through the controller.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    MainWindow(ServerController *controller, const ServerConfig &config,
               QWidget *parent = nullptr);

private:
    ServerController *m_controller;
    QLabel *m_status;
};

} // namespace sse::ui
