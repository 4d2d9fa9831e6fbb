#pragma once

#include "scenario.h"

#include <QAbstractTableModel>

#include <optional>

namespace sse::ui {

// The steps of one scenario as an editable table. Edits are checked with the same rules as
// the file format (docs/scenarios.md), so what the table holds always saves and plays.
class ScenarioModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    // The step numbers are the vertical header (#), which also marks the step being played:
    // a column of positions would change the data of every row below an insert or a removal.
    enum Column {
        DelayColumn,
        CommentColumn,
        EventColumn,
        IdColumn,
        RetryColumn,
        ChannelColumn,
        DataColumn, // last: the widest, it takes the room left
        ColumnCount
    };

    explicit ScenarioModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    // Refuses a value the format would refuse; lastError() and editRefused() say why.
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;

    const Scenario &scenario() const { return m_scenario; }
    void setScenario(const Scenario &scenario);
    void insertStep(int row, const ScenarioStep &step);
    // Removes these rows (any order, duplicates and rows out of range ignored).
    void removeSteps(const QList<int> &rows);
    // Moves the step at from to the position to (both within the table).
    void moveStep(int from, int to);
    bool isModified() const { return m_modified; }
    void setModified(bool modified);
    QString lastError() const { return m_lastError; }

    // The step being played, shown in bold and marked in the header; -1 for none.
    void setPlayingStep(int row);
    int playingStep() const { return m_playingStep; }

signals:
    void modifiedChanged(bool modified);
    void editRefused(const QString &reason);

protected:
    // The header titles are tr() when asked for: on a LanguageChange the views ask again.
    bool event(QEvent *event) override;

private:
    QVariant displayValue(const ScenarioStep &step, int column, int role) const;
    std::optional<QString> applyEdit(ScenarioStep &step, int column, const QString &text) const;

    Scenario m_scenario;
    bool m_modified = false;
    int m_playingStep = -1;
    QString m_lastError;
};

} // namespace sse::ui
