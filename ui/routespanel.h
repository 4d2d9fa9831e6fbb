#pragma once

#include <QStringList>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QToolButton;

namespace sse {
class ServerController;
}

namespace sse::ui {

class RoutesModel;

// The scenario routes of the Scenarios panel: a table of "METHOD PATH = FILE" with the URL
// each answers on, a form to add one (a file or a built-in template), Remove, and Apply,
// which binds them on the running server and keeps them for the next start.
class RoutesPanel : public QWidget
{
    Q_OBJECT

public:
    explicit RoutesPanel(ServerController *controller, QWidget *parent = nullptr);

    RoutesModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QStringList routeSpecs() const;
    void setRouteSpecs(const QStringList &specs);
    // Adds a route to the table (not yet applied); false with the reason shown.
    bool addRoute(const QString &method, const QString &path, const QString &file);
    void removeSelected();
    void copySelectedUrl();
    // Binds the table's routes on the running server, or keeps them for the next start.
    void apply();
    QString message() const;

signals:
    // The routes were bound (or kept for the next start): the list to save.
    void routesChanged(const QStringList &specs);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();
    QWidget *buildForm();
    void chooseFile();
    void showMessage(const QString &text, bool error);
    void updateButtons();

    ServerController *m_controller;
    RoutesModel *m_model;
    QTableView *m_table;
    QComboBox *m_method = nullptr;
    QLineEdit *m_path = nullptr;
    QLineEdit *m_file = nullptr;
    QPushButton *m_remove = nullptr;
    QPushButton *m_copyUrl = nullptr;
    QPushButton *m_apply = nullptr;
    QPushButton *m_browse = nullptr;
    QToolButton *m_template = nullptr;
    QPushButton *m_add = nullptr;
    QLabel *m_message = nullptr;
    bool m_awaitingApply = false; // routesApplied answers m_applying
    QStringList m_applying;
};

} // namespace sse::ui
