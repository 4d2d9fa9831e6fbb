#pragma once

#include "servertypes.h"
#include "sseevent.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QPlainTextEdit;
class QPushButton;
class QSettings;
class QSpinBox;
class QStringListModel;
class QTimer;

namespace sse {
class ServerController;
}

namespace sse::ui {

class EventTemplatesModel;
class SendHistoryModel;

// Composes an event by hand and publishes it through the ServerController. Every field is
// checked inline with the server's own validation (sseevent.h), and the preview shows the
// exact bytes sse::encodeEvent puts on the wire.
class ComposerWidget : public QWidget
{
    Q_OBJECT

public:
    enum class TargetKind { Channel, All, SelectedClients };

    explicit ComposerWidget(ServerController *controller, QWidget *parent = nullptr);

    // The event the fields describe (id empty in auto mode: the server assigns it).
    SseEvent currentEvent() const;
    PublishTarget currentTarget() const;
    // The first invalid field, as the HTTP API would word it; empty when the event can be sent.
    QString validationError() const;
    QByteArray previewBytes() const;

    void setEvent(const sse::SseEvent &event);
    void setTargetKind(TargetKind kind);
    void setSelectedClients(const QList<quint64> &clientIds);
    void setAutoId(bool autoId);
    void setJsonMode(bool jsonMode);
    bool send();
    void sendComment();

    EventTemplatesModel *templatesModel() const { return m_templates; }
    SendHistoryModel *historyModel() const { return m_history; }
    QStringListModel *recentTypesModel() const { return m_recentTypes; }

    void loadSettings(QSettings &settings);
    void saveSettings(QSettings &settings) const;
    void setHistorySize(int entries);

    static constexpr int MaxRecentTypes = 20;

private:
    QWidget *buildFields();
    QWidget *buildTemplatesAndHistory();
    void updateValidationAndPreview();
    void rememberType(const QString &eventType);
    void formatJson(bool pretty);
    void onPublishFinished(const sse::PublishResult &result);
    void setFieldError(QLabel *label, QWidget *field, const QString &message);

    ServerController *m_controller;
    EventTemplatesModel *m_templates;
    SendHistoryModel *m_history;
    QStringListModel *m_recentTypes;
    QList<quint64> m_selectedClients;
    QString m_predictedNextId; // one more than the last id the server assigned

    QComboBox *m_eventType;
    QLabel *m_eventTypeError;
    QCheckBox *m_autoId;
    QLineEdit *m_id;
    QLabel *m_idError;
    QPlainTextEdit *m_data;
    QCheckBox *m_jsonMode;
    QPushButton *m_prettyJson;
    QPushButton *m_compactJson;
    QLabel *m_dataError;
    QLineEdit *m_retry;
    QLabel *m_retryError;
    QLineEdit *m_channel;
    QLabel *m_channelError;
    QComboBox *m_target;
    QPlainTextEdit *m_preview;
    QLabel *m_previewNote;
    QPushButton *m_send;
    QCheckBox *m_repeat;
    QSpinBox *m_repeatInterval;
    QTimer *m_repeatTimer;
    QLineEdit *m_comment;
    QPushButton *m_sendComment;
    QComboBox *m_templateName;
    QListView *m_historyView;
};

} // namespace sse::ui
