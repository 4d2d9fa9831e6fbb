#include "routesmodel.h"

#include <QEvent>

#include "scenarioroute.h"

#include <QRegularExpression>

#include <algorithm>

namespace sse::ui {

RoutesModel::RoutesModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

QStringList RoutesModel::methods()
{
    return {QStringLiteral("GET"), QStringLiteral("POST"), QStringLiteral("PUT"),
            QStringLiteral("PATCH"), QStringLiteral("DELETE")};
}

RoutesModel::Route RoutesModel::parseSpec(const QString &spec)
{
    static const QRegularExpression pattern(QStringLiteral("^(\\S+)\\s+([^\\s=]+)=(.+)$"));
    const QRegularExpressionMatch match = pattern.match(spec.trimmed());
    if (!match.hasMatch())
        return {QString(), spec.trimmed(), QString()};
    return {match.captured(1), match.captured(2), match.captured(3).trimmed()};
}

QString RoutesModel::spec(const Route &route)
{
    if (route.method.isEmpty())
        return route.path;
    return route.method + u' ' + route.path + u'=' + route.file;
}

int RoutesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_routes.size());
}

int RoutesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RoutesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || !checkIndex(index))
        return {};
    const Route &route = m_routes.at(index.row());
    if (role == Qt::ToolTipRole && index.column() == UrlColumn && m_serverUrl.isEmpty())
        return tr("The URL shows while the server runs");
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (Column(index.column())) {
    case MethodColumn:
        return route.method;
    case PathColumn:
        return route.path;
    case FileColumn:
        return route.file;
    case UrlColumn:
        return url(index.row());
    case ColumnCount:
        break;
    }
    return {};
}

QVariant RoutesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole || orientation != Qt::Horizontal)
        return {};
    switch (Column(section)) {
    case MethodColumn:
        return tr("Method");
    case PathColumn:
        return tr("Path");
    case FileColumn:
        return tr("Scenario file");
    case UrlColumn:
        return tr("URL");
    case ColumnCount:
        break;
    }
    return {};
}

QStringList RoutesModel::specs() const
{
    QStringList result;
    for (const Route &route : m_routes)
        result.append(spec(route));
    return result;
}

void RoutesModel::setSpecs(const QStringList &specs)
{
    beginResetModel();
    m_routes.clear();
    for (const QString &text : specs) {
        if (!text.trimmed().isEmpty())
            m_routes.append(parseSpec(text));
    }
    endResetModel();
}

QString RoutesModel::addRoute(const Route &route)
{
    static const QRegularExpression pathPattern(QStringLiteral("^/[^\\s=?#]*$"));
    if (!methods().contains(route.method))
        return tr("Method: one of %1").arg(methods().join(QStringLiteral(", ")));
    if (!pathPattern.match(route.path).hasMatch())
        return tr("Path: starts with / and has no spaces, =, ? or #");
    if (isServerPath(route.path))
        return tr("Path: %1 is the server's own; choose another").arg(route.path);
    if (route.file.trimmed().isEmpty())
        return tr("File: choose the scenario the route plays");
    const bool taken = std::any_of(m_routes.cbegin(), m_routes.cend(), [&](const Route &other) {
        return other.method == route.method && other.path == route.path;
    });
    if (taken)
        return tr("%1 %2 is bound already; remove it first").arg(route.method, route.path);
    const int row = rowCount();
    beginInsertRows({}, row, row);
    m_routes.append({route.method, route.path, route.file.trimmed()});
    endInsertRows();
    return {};
}

void RoutesModel::removeRoutes(const QList<int> &rows)
{
    QList<int> sorted = rows;
    std::sort(sorted.begin(), sorted.end(), std::greater<int>());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    for (const int row : sorted) {
        if (row < 0 || row >= rowCount())
            continue;
        beginRemoveRows({}, row, row);
        m_routes.removeAt(row);
        endRemoveRows();
    }
}

void RoutesModel::setServerUrl(const QString &url)
{
    if (url == m_serverUrl)
        return;
    m_serverUrl = url;
    if (rowCount() > 0)
        emit dataChanged(index(0, UrlColumn), index(rowCount() - 1, UrlColumn));
}

QString RoutesModel::url(int row) const
{
    if (m_serverUrl.isEmpty() || row < 0 || row >= rowCount() || m_routes.at(row).method.isEmpty())
        return {};
    QString base = m_serverUrl;
    while (base.endsWith(u'/'))
        base.chop(1);
    return base + m_routes.at(row).path;
}

bool RoutesModel::event(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        emit headerDataChanged(Qt::Horizontal, 0, columnCount() - 1);
    }
    return QAbstractTableModel::event(event);
}

} // namespace sse::ui
