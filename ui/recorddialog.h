#pragma once

#include "scenario.h"

#include <QDialog>

class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace sse {
class StreamRecorder;
}

namespace sse::ui {

// Record from URL: connects to a live SSE endpoint as an EventSource would and records its
// events, with the time between them, as a scenario. Stops after a number of events, a number
// of seconds, when the server ends the stream, or on Stop; then recorded() hands the scenario
// over (the panel opens it as a new, unsaved tab).
class RecordDialog : public QDialog
{
    Q_OBJECT

public:
    explicit RecordDialog(QWidget *parent = nullptr);
    ~RecordDialog() override;

    void setUrl(const QString &url);
    void setHeaders(const QString &lines);
    void setMaxEvents(int count);
    void setMaxSeconds(int seconds);
    // Checks the fields and starts; false with the reason shown.
    bool start();
    void stop();
    bool isRecording() const;
    QString statusText() const;

signals:
    void recorded(const sse::Scenario &scenario, const QString &reason);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();
    void setRecording(bool recording);
    void showStatus(const QString &text, bool error);

    QLineEdit *m_url;
    QPlainTextEdit *m_headers;
    QSpinBox *m_maxEvents;
    QSpinBox *m_maxSeconds;
    QLabel *m_status;
    QFormLayout *m_form = nullptr;
    QPushButton *m_start = nullptr;
    QPushButton *m_stop = nullptr;
    bool m_recording = false;
    // One recorder per recording (a recorder is done once it has finished); child of this.
    StreamRecorder *m_recorder = nullptr;
};

} // namespace sse::ui
