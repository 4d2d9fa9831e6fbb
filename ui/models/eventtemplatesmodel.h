#pragma once

#include "sseevent.h"

#include <QAbstractListModel>
#include <QVariantList>

namespace sse::ui {

// Named events the operator saved in the composer, kept sorted by name; stored in QSettings
// through toVariant()/fromVariant().
class EventTemplatesModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role { EventTypeRole = Qt::UserRole + 1, DataRole };

    struct Template
    {
        QString name;
        SseEvent event;
    };

    explicit EventTemplatesModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    // Adds the template, or replaces the one of the same name. Returns its row.
    int saveTemplate(const QString &name, const sse::SseEvent &event);
    void removeTemplate(int row);
    const Template &templateAt(int row) const { return m_templates.at(row); }
    int rowOfName(const QString &name) const;

    QVariantList toVariant() const;
    void fromVariant(const QVariantList &list);

    // A templates file: {"templates": [{"name", "event", "id", "data", "retry", "channel"}]}.
    QByteArray toJson() const;
    // Adds the file's templates (a name already here is replaced). Every template is checked
    // first: on any error nothing changes and the sentence says which template and field.
    // Returns the error, empty on success; *imported counts the templates taken.
    QString importJson(const QByteArray &json, int *imported = nullptr);

private:
    QList<Template> m_templates;
};

} // namespace sse::ui
