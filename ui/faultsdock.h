#pragma once

#include "faultspec.h"
#include "servertypes.h"

#include <QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QGroupBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableView;
class QTimer;

namespace sse::ui {

class FaultsModel;

// The Faults panel (docs/faults.md): the faults on the server, a form to add one, and the chaos
// preset. Its requests leave as signals; MainWindow turns them into ServerController calls.
// The form is checked with the same reader as POST /api/faults, so it refuses what the API
// refuses, with the same sentence.
class FaultsDock : public QWidget
{
    Q_OBJECT

public:
    explicit FaultsDock(FaultsModel *model, QWidget *parent = nullptr);

    void applySnapshot(const sse::ServerSnapshot &snapshot);
    void setServerRunning(bool running);
    // The clients table's selection: the form's client target follows it.
    void setSelectedClients(const QList<quint64> &clientIds);
    void showError(const QString &message);
    // The fault the form describes now, or why it is not one.
    std::variant<sse::FaultSpec, QString> formSpec() const;
    sse::ChaosOptions chaosOptions() const;

signals:
    void installRequested(const sse::FaultSpec &spec);
    void removeRequested(quint64 faultId);
    void removeAllRequested();
    void chaosStartRequested(const sse::ChaosOptions &options);
    void chaosStopRequested();

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();
    void retranslateChaos();
    void showChaosState(const sse::ChaosState &chaos);
    QWidget *buildForm();
    // buildForm's parts; the rows join the form (and the tab order) in buildForm.
    QHBoxLayout *createKindAndTarget();
    void createKindParameters();
    QHBoxLayout *createLifetime();
    void connectForm();
    QWidget *buildChaos();
    void updateFormRows();
    void updateButtons();
    void addFault();

    FaultsModel *m_model;
    QTableView *m_table;
    QPushButton *m_remove;
    QPushButton *m_removeAll;
    QGroupBox *m_formBox = nullptr;
    QFormLayout *m_form = nullptr;
    QComboBox *m_kind = nullptr;
    QComboBox *m_target = nullptr;
    QSpinBox *m_client = nullptr;
    QLineEdit *m_channel = nullptr;
    QDoubleSpinBox *m_seconds = nullptr;
    QSpinBox *m_bytesPerSecond = nullptr;
    QSpinBox *m_every = nullptr;
    QComboBox *m_variant = nullptr;
    QSpinBox *m_ms = nullptr;
    QComboBox *m_status = nullptr;
    QSpinBox *m_retryAfter = nullptr;
    QLineEdit *m_location = nullptr;
    QComboBox *m_lifetime = nullptr;
    QSpinBox *m_duration = nullptr;
    QPushButton *m_add = nullptr;
    QLabel *m_error = nullptr;
    QGroupBox *m_chaosBox = nullptr;
    std::optional<sse::ChaosState> m_chaos; // what the chaos status says, to say it again
    QSpinBox *m_chaosRate = nullptr;
    QSpinBox *m_chaosLimit = nullptr;
    QList<QPair<sse::FaultKind, QCheckBox *>> m_chaosKinds;
    QPushButton *m_chaosButton = nullptr;
    QLabel *m_chaosStatus = nullptr;
    QTimer *m_lifetimeTimer;
    bool m_running = false;
    bool m_chaosRunning = false;
};

} // namespace sse::ui
