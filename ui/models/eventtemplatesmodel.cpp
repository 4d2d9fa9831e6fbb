#include "eventtemplatesmodel.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <QVariantMap>

#include <algorithm>

namespace sse::ui {

EventTemplatesModel::EventTemplatesModel(QObject *parent)
    : QAbstractListModel(parent)
{}

int EventTemplatesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_templates.size());
}

QVariant EventTemplatesModel::data(const QModelIndex &index, int role) const
{
    // Views ask about invalid indexes (a combo box with no current item, for one).
    if (!index.isValid() || index.parent().isValid() || index.row() >= rowCount())
        return {};
    const Template &entry = m_templates.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        return entry.name;
    case Qt::ToolTipRole:
    case DataRole:
        return entry.event.data;
    case EventTypeRole:
        return entry.event.event;
    default:
        return {};
    }
}

int EventTemplatesModel::rowOfName(const QString &name) const
{
    for (int row = 0; row < m_templates.size(); ++row) {
        if (m_templates.at(row).name == name)
            return row;
    }
    return -1;
}

int EventTemplatesModel::saveTemplate(const QString &name, const SseEvent &event)
{
    if (const int existing = rowOfName(name); existing >= 0) {
        m_templates[existing].event = event;
        emit dataChanged(index(existing), index(existing));
        return existing;
    }
    const auto position = std::lower_bound(m_templates.cbegin(), m_templates.cend(), name,
                                           [](const Template &entry, const QString &key) {
                                               return entry.name.localeAwareCompare(key) < 0;
                                           });
    const int row = int(position - m_templates.cbegin());
    beginInsertRows({}, row, row);
    m_templates.insert(row, Template{name, event});
    endInsertRows();
    return row;
}

void EventTemplatesModel::removeTemplate(int row)
{
    if (row < 0 || row >= m_templates.size())
        return;
    beginRemoveRows({}, row, row);
    m_templates.removeAt(row);
    endRemoveRows();
}

QVariantList EventTemplatesModel::toVariant() const
{
    QVariantList list;
    for (const Template &entry : m_templates) {
        list.append(QVariantMap{{QStringLiteral("name"), entry.name},
                                {QStringLiteral("event"), entry.event.event},
                                {QStringLiteral("id"), entry.event.id},
                                {QStringLiteral("data"), entry.event.data},
                                {QStringLiteral("retry"), entry.event.retry},
                                {QStringLiteral("channel"), entry.event.channel}});
    }
    return list;
}

void EventTemplatesModel::fromVariant(const QVariantList &list)
{
    beginResetModel();
    m_templates.clear();
    for (const QVariant &item : list) {
        const QVariantMap map = item.toMap();
        const QString name = map.value(QStringLiteral("name")).toString();
        if (name.isEmpty() || rowOfName(name) >= 0)
            continue;
        m_templates.append(
            Template{name, SseEvent{map.value(QStringLiteral("event")).toString(),
                                    map.value(QStringLiteral("id")).toString(),
                                    map.value(QStringLiteral("data")).toString(),
                                    map.value(QStringLiteral("retry")).toString(),
                                    map.value(QStringLiteral("channel")).toString()}});
    }
    std::sort(m_templates.begin(), m_templates.end(), [](const Template &a, const Template &b) {
        return a.name.localeAwareCompare(b.name) < 0;
    });
    endResetModel();
}

QByteArray EventTemplatesModel::toJson() const
{
    QJsonArray templates;
    for (const QVariant &entry : toVariant())
        templates.append(QJsonObject::fromVariantMap(entry.toMap()));
    return QJsonDocument(QJsonObject{{QStringLiteral("templates"), templates}})
        .toJson(QJsonDocument::Indented);
}

QString EventTemplatesModel::importJson(const QByteArray &json, int *imported)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return tr("not valid JSON: %1 at offset %2")
            .arg(parseError.errorString())
            .arg(parseError.offset);
    }
    const QJsonValue list = document.object().value(QStringLiteral("templates"));
    if (!list.isArray())
        return tr("no \"templates\" array at the top level");
    QList<Template> incoming;
    const QJsonArray array = list.toArray();
    for (qsizetype index = 0; index < array.size(); ++index) {
        const QJsonObject object = array.at(index).toObject();
        const auto text = [&object](const char *key) {
            return object.value(QLatin1String(key)).toString();
        };
        const QString name = text("name").trimmed();
        if (name.isEmpty())
            return tr("template %1: field 'name' is missing or empty").arg(index + 1);
        for (const char *key : {"name", "event", "id", "data", "retry", "channel"}) {
            const QJsonValue value = object.value(QLatin1String(key));
            if (!value.isUndefined() && !value.isString())
                return tr("template %1 (\"%2\"): field '%3' must be a string")
                    .arg(index + 1)
                    .arg(name, QLatin1String(key));
        }
        const SseEvent event{text("event"), text("id"), text("data"), text("retry"),
                             text("channel")};
        if (const auto error = validateEvent(event)) {
            return tr("template %1 (\"%2\"): %3").arg(index + 1).arg(name, error->message());
        }
        incoming.append(Template{name, event});
    }
    for (const Template &entry : std::as_const(incoming))
        saveTemplate(entry.name, entry.event);
    if (imported)
        *imported = int(incoming.size());
    return {};
}

} // namespace sse::ui
