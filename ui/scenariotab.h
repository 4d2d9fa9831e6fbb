#pragma once

#include "scenario.h"
#include "servertypes.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QProgressBar;
class QAction;
class QSpinBox;
class QTableView;
class QToolBar;

namespace sse {
class ServerController;
}

namespace sse::ui {

class ElidingLabel;
class ScenarioModel;

// One open scenario in the Scenarios panel: its steps as an editable table, where it came
// from, and its playback (play, pause, stop, speed, loop, target, progress).
class ScenarioTab : public QWidget
{
    Q_OBJECT

public:
    enum class Target { StepChannels, Channel, All, Client };

    ScenarioTab(ServerController *controller, const Scenario &scenario, const QString &filePath,
                QWidget *parent = nullptr);

    ScenarioModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QString filePath() const { return m_filePath; }
    QString title() const;
    bool isModified() const;
    // Writes the steps as JSON Lines; false with a message on failure.
    bool saveTo(const QString &path);

    void setTarget(Target target, const QString &channel = {}, quint64 clientId = 0);
    void setSpeed(double speed);
    void setLoop(bool loop);
    void play();
    void pauseOrResume();
    void stop();
    bool isPlaying() const { return m_playbackId != 0 || m_awaitingStart; }
    quint64 playbackId() const { return m_playbackId; }
    QString progressText() const;
    QString message() const;

    // From the window's snapshots: this tab's playback, if it is still going.
    void applyPlaybacks(const QList<sse::PlaybackProgress> &playbacks);
    void serverStopped();

signals:
    void titleChanged();

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();
    // "stopped", or how many steps a finished playback played.
    void showStoppedProgress();
    void buildLayout();
    void buildTable();
    QToolBar *buildEditBar();
    QToolBar *buildPlayBar();
    QHBoxLayout *buildTargetRow();
    void addStep();
    void removeSteps();
    void moveStep(int by);
    void updateButtons();
    void showMessage(const QString &text, bool error);
    void resetPlayback();

    ServerController *m_controller;
    ScenarioModel *m_model;
    QString m_filePath;
    quint64 m_tag;
    quint64 m_playbackId = 0;
    Scenario m_played; // what the server was given: the table may be edited while it plays
    bool m_awaitingStart = false;
    bool m_paused = false;
    bool m_endedInLastSnapshot = false; // see serverStopped()
    QTableView *m_table = nullptr;
    QAction *m_add = nullptr;
    QAction *m_remove = nullptr;
    QAction *m_up = nullptr;
    QAction *m_down = nullptr;
    QAction *m_play = nullptr;
    QAction *m_pause = nullptr;
    QAction *m_stop = nullptr;
    QDoubleSpinBox *m_speed = nullptr;
    QCheckBox *m_loop = nullptr;
    QComboBox *m_target = nullptr;
    QLineEdit *m_channel = nullptr;
    QSpinBox *m_client = nullptr;
    QProgressBar *m_progress = nullptr;
    int m_finishedSteps = -1; // the steps of the playback that ran to its end
    QLabel *m_sendToLabel = nullptr;
    ElidingLabel *m_message = nullptr;
};

} // namespace sse::ui
