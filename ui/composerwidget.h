#pragma once

#include "servertypes.h"
#include "sseevent.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
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

class ComposerLibrary;
class ElidingLabel;
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
    void formatJson(bool pretty);
    void focusData();
    // Stopped: sending explains why, and "Repeat every" stops.
    void setServerRunning(bool running);
    bool isServerRunning() const { return m_serverRunning; }
    // The id the server's log assigns next, from its snapshots; empty when unknown.
    void setNextEventId(const QString &id);
    // "curl … /publish" that sends what the fields describe.
    QString curlCommand() const;
    void setServerUrl(const QString &url) { m_serverUrl = url; }
    // The sentence under the fields: the first invalid field, or why the last send failed.
    QString message() const;

    EventTemplatesModel *templatesModel() const;
    SendHistoryModel *historyModel() const;
    ComposerLibrary *library() const { return m_library; }
    QStringListModel *recentTypesModel() const { return m_recentTypes; }
    void chooseTemplatesToImport();
    void chooseTemplatesExportFile();

    void loadSettings(QSettings &settings);
    void saveSettings(QSettings &settings) const;
    void setHistorySize(int entries);

    static constexpr int MaxRecentTypes = 20;

signals:
    // A send that could not go out or that the server refused, with the reason.
    void sendFailed(const QString &reason);
    // An event was accepted: whom it reached, in words ("to 6 subscribers, every channel").
    void sent(const QString &confirmation);

protected:
    void changeEvent(QEvent *event) override;

private:
    // Each field's problem, as the HTTP API words it; empty when the field is fine.
    struct FieldErrors
    {
        QString type, id, data, retry, channel;
        QString first() const;
    };

    FieldErrors fieldErrors() const;
    QString targetError() const;
    // The form (composerwidgetfields.cpp); the widgets' creation order is the tab order.
    QWidget *buildFields();
    void createEventFields(QWidget *box);
    void createTargetAndPreview(QWidget *box);
    void createSendControls(QWidget *box);
    void layOutFields(QWidget *box);
    void retranslateUi();
    void connectFields();
    void updateValidationAndPreview();
    void rememberType(const QString &eventType);
    void onPublishFinished(const sse::PublishResult &result);
    static QString confirmation(const sse::PublishResult &result);
    // Publishes and records the send; false (and says why) when the server is stopped.
    bool publish(const sse::SseEvent &event, const sse::PublishTarget &target);
    void showSendFailure(const QString &reason);

    ServerController *m_controller;
    ComposerLibrary *m_library;
    QStringListModel *m_recentTypes;
    QList<quint64> m_selectedClients;
    QString m_predictedNextId; // what the server's log assigns next
    QString m_serverUrl;
    QString m_sendFailure; // why the last send failed; cleared by the next success
    bool m_serverRunning = false;

    QComboBox *m_eventType;
    QCheckBox *m_autoId;
    QLineEdit *m_id;
    QPlainTextEdit *m_data;
    QCheckBox *m_jsonMode;
    QPushButton *m_prettyJson;
    QPushButton *m_compactJson;
    QLineEdit *m_retry;
    QLineEdit *m_channel;
    QComboBox *m_target;
    // The first invalid field's sentence, or the last send's failure; keeps its line always.
    ElidingLabel *m_message;
    QPlainTextEdit *m_preview;
    ElidingLabel *m_previewNote;
    QPushButton *m_send;
    QPushButton *m_copyCurl;
    QCheckBox *m_repeat;
    QSpinBox *m_repeatInterval;
    QFormLayout *m_form = nullptr;
    QTimer *m_repeatTimer;
    QLineEdit *m_comment;
    QPushButton *m_sendComment;
};

} // namespace sse::ui
