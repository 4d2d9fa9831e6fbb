#pragma once

#include <QAbstractTableModel>
#include <QStringList>

namespace sse::ui {

// The scenario routes the server binds ("METHOD PATH=FILE", docs/scenarios.md) as a table,
// with the URL each one answers on while the server runs. The server reads and checks the
// files when the routes are applied; this model checks what can be told without them.
class RoutesModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { MethodColumn, PathColumn, FileColumn, UrlColumn, ColumnCount };

    struct Route
    {
        QString method;
        QString path;
        QString file;
    };

    explicit RoutesModel(QObject *parent = nullptr);

    // The methods a route may bind, as the server accepts them.
    static QStringList methods();
    // "METHOD PATH=FILE" split in three. A spec that does not read that way is kept whole as
    // the path, so it goes back to the server unchanged and the server names what is wrong.
    static Route parseSpec(const QString &spec);
    static QString spec(const Route &route);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    QStringList specs() const;
    void setSpecs(const QStringList &specs);
    // Appends a route; an empty string, or why not (then nothing is added).
    QString addRoute(const Route &route);
    void removeRoutes(const QList<int> &rows);

    // The server's base URL ("http://127.0.0.1:8080/"); empty while it is stopped.
    void setServerUrl(const QString &url);
    QString url(int row) const;

protected:
    // The header titles are tr() when asked for: on a LanguageChange the views ask again.
    bool event(QEvent *event) override;

private:
    QList<Route> m_routes;
    QString m_serverUrl;
};

} // namespace sse::ui
