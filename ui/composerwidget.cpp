#include "composerwidget.h"

#include "composerlibrary.h"
#include "elidinglabel.h"
#include "models/curlcommand.h"
#include "models/eventtemplatesmodel.h"
#include "models/jsonformat.h"
#include "models/sendhistorymodel.h"
#include "servercontroller.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QShortcut>
#include <QSpinBox>
#include <QStringListModel>
#include <QTimer>
#include <QVBoxLayout>

namespace sse::ui {

namespace {

// An invalid field is framed in red and says why in its tooltip; the sentence also shows in
// the message line under the fields.
void markField(QWidget *field, const QString &message)
{
    field->setStyleSheet(message.isEmpty() ? QString() : QStringLiteral("border: 1px solid #d33;"));
    field->setToolTip(message);
}

// Line breaks made visible, so the operator sees where each field ends.
QString visibleBytes(const QByteArray &bytes)
{
    QString text = QString::fromUtf8(bytes);
    text.replace(QLatin1String("\n"), QStringLiteral("\u21b5\n"));
    return text;
}

} // namespace

ComposerWidget::ComposerWidget(ServerController *controller, QWidget *parent)
    : QWidget(parent)
    , m_controller(controller)
    , m_library(new ComposerLibrary([this] { return currentEvent(); }, this))
    , m_recentTypes(new QStringListModel({DefaultEventType}, this))
    , m_repeatTimer(new QTimer(this))
{
    // Fields, then templates and history; the dock scrolls when the window is short.
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(buildFields(), 3);
    layout->addWidget(m_library, 1);

    // Ctrl+Enter sends from any field of the composer, including the multi-line data.
    for (const QKeySequence &keys :
         {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)}) {
        auto *shortcut = new QShortcut(keys, this);
        shortcut->setContext(Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QShortcut::activated, this, &ComposerWidget::send);
    }
    connect(m_repeatTimer, &QTimer::timeout, this, [this] {
        if (!send())
            m_repeat->setChecked(false);
    });
    connect(controller, &ServerController::publishFinished, this,
            &ComposerWidget::onPublishFinished);
    connect(m_library, &ComposerLibrary::loadRequested, this, &ComposerWidget::setEvent);
    connect(m_library, &ComposerLibrary::resendRequested, this, &ComposerWidget::publish);
    retranslateUi();
}

void ComposerWidget::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
}

SseEvent ComposerWidget::currentEvent() const
{
    SseEvent event;
    const QString type = m_eventType->currentText();
    // "message" is the default type; leaving it out keeps the wire bytes minimal.
    event.event = type == DefaultEventType ? QString() : type;
    event.id = m_autoId->isChecked() ? QString() : m_id->text();
    event.data = m_data->toPlainText();
    event.retry = m_retry->text().trimmed();
    event.channel = m_channel->text().trimmed();
    return event;
}

PublishTarget ComposerWidget::currentTarget() const
{
    PublishTarget target;
    switch (TargetKind(m_target->currentData().toInt())) {
    case TargetKind::Channel:
        target.kind = PublishTarget::Kind::Channel;
        break;
    case TargetKind::All:
        target.kind = PublishTarget::Kind::All;
        break;
    case TargetKind::SelectedClients:
        target.kind = PublishTarget::Kind::Clients;
        target.clientIds = m_selectedClients;
        break;
    }
    return target;
}

ComposerWidget::FieldErrors ComposerWidget::fieldErrors() const
{
    const SseEvent event = currentEvent();
    const auto message = [](const std::optional<ValidationError> &error) {
        return error ? error->message() : QString();
    };
    // The very checks /publish applies, so the window and the HTTP API never disagree.
    FieldErrors errors;
    errors.type = message(validateEventName(m_eventType->currentText()));
    errors.id = message(validateId(event.id));
    errors.retry = message(validateRetry(event.retry));
    errors.channel = message(validateChannel(event.channel));
    if (m_jsonMode->isChecked()) {
        QJsonParseError parseError;
        QJsonDocument::fromJson(event.data.toUtf8(), &parseError);
        if (parseError.error != QJsonParseError::NoError) {
            errors.data = tr("field 'data': not valid JSON: %1 at offset %2")
                              .arg(parseError.errorString())
                              .arg(parseError.offset);
        }
    }
    return errors;
}

QString ComposerWidget::FieldErrors::first() const
{
    // In the order of the form.
    for (const QString *error : {&type, &id, &data, &retry, &channel}) {
        if (!error->isEmpty())
            return *error;
    }
    return {};
}

QString ComposerWidget::targetError() const
{
    if (TargetKind(m_target->currentData().toInt()) == TargetKind::SelectedClients &&
        m_selectedClients.isEmpty())
        return tr("No client is selected in the clients table");
    return {};
}

QString ComposerWidget::validationError() const
{
    const QString error = fieldErrors().first();
    return error.isEmpty() ? targetError() : error;
}

QString ComposerWidget::message() const
{
    return m_message->fullText();
}

void ComposerWidget::updateValidationAndPreview()
{
    const SseEvent event = currentEvent();
    const FieldErrors errors = fieldErrors();
    markField(m_eventType, errors.type);
    markField(m_id, errors.id);
    markField(m_data, errors.data);
    markField(m_retry, errors.retry);
    markField(m_channel, errors.channel);
    const bool jsonMode = m_jsonMode->isChecked();
    m_prettyJson->setEnabled(jsonMode);
    m_compactJson->setEnabled(jsonMode);

    // The channel names the audience only for "Subscribers of the channel"; otherwise the event
    // reaches its target whatever their channels, and the field says so instead of being
    // silently ignored.
    const TargetKind targetKind = TargetKind(m_target->currentData().toInt());
    m_channel->setEnabled(targetKind == TargetKind::Channel);
    m_channel->setToolTip(targetKind == TargetKind::Channel
                              ? tr("The channel whose subscribers get the event")
                          : targetKind == TargetKind::All
                              ? tr("Not used: \"All subscribers\" reaches every subscriber "
                                   "whatever its channels")
                              : tr("Not used: the selected clients get the event whatever their "
                                   "channels"));
    m_target->setItemText(m_target->findData(int(TargetKind::SelectedClients)),
                          m_selectedClients.isEmpty()
                              ? tr("Selected clients (none)")
                              : tr("Selected clients (%1)").arg(m_selectedClients.size()));

    QString error = errors.first();
    if (error.isEmpty())
        error = targetError();
    m_send->setEnabled(error.isEmpty());
    m_send->setToolTip(error.isEmpty() ? tr("Send the event (Ctrl+Enter)") : error);
    // A field's problem first; else why the last send failed (until the next one works).
    m_message->setFullText(error.isEmpty() ? m_sendFailure : error);

    if (event.data.isEmpty())
        m_previewNote->setFullText(tr("Empty data: browsers dispatch nothing for this event."));
    else if (m_autoId->isChecked())
        m_previewNote->setFullText(
            m_predictedNextId.isEmpty()
                ? tr("The server assigns the id when it sends the event.")
                : tr("The server assigns the id; %1 is the next one.").arg(m_predictedNextId));
    else
        m_previewNote->setFullText({});
    // Invalid data still encodes (it is only not JSON); the other fields would not.
    if (!errors.type.isEmpty() || !errors.id.isEmpty() || !errors.retry.isEmpty() ||
        !errors.channel.isEmpty()) {
        m_preview->setPlainText(tr("(fix the fields marked in red)"));
    } else {
        m_preview->setPlainText(visibleBytes(previewBytes()));
    }
}

QByteArray ComposerWidget::previewBytes() const
{
    SseEvent event = currentEvent();
    if (event.id.isEmpty())
        event.id = m_predictedNextId;
    if (validateEvent(event))
        return {};
    return encodeEvent(event);
}

void ComposerWidget::formatJson(bool pretty)
{
    if (const auto text = reformatJson(m_data->toPlainText(), pretty))
        m_data->setPlainText(*text);
}

bool ComposerWidget::send()
{
    // Every field change already re-validated and showed its message.
    if (const QString error = validationError(); !error.isEmpty()) {
        // The message line shows the field's problem already, and goes with it.
        emit sendFailed(tr("Not sent: %1").arg(error));
        return false;
    }
    if (!publish(currentEvent(), currentTarget()))
        return false;
    rememberType(m_eventType->currentText());
    return true;
}

bool ComposerWidget::publish(const SseEvent &event, const PublishTarget &target)
{
    if (!m_serverRunning) {
        showSendFailure(tr("Not sent: the server is stopped. Start it with Server → Start."));
        return false;
    }
    m_controller->publish(event, target);
    m_library->history()->addSend(QDateTime::currentDateTime(), event, target);
    return true;
}

void ComposerWidget::sendComment()
{
    if (!m_serverRunning) {
        showSendFailure(tr("Comment not sent: the server is stopped."));
        return;
    }
    m_controller->sendComment(m_comment->text(), currentEvent().channel, currentTarget());
}

void ComposerWidget::showSendFailure(const QString &reason)
{
    m_sendFailure = reason;
    m_message->setFullText(reason);
    emit sendFailed(reason);
}

void ComposerWidget::onPublishFinished(const PublishResult &result)
{
    m_library->history()->applyResult(result);
    if (!result.error.isEmpty()) {
        showSendFailure(tr("The server refused the event: %1").arg(result.error));
        return;
    }
    if (!m_sendFailure.isEmpty()) {
        m_sendFailure.clear();
        updateValidationAndPreview();
    }
    emit sent(confirmation(result));
    bool numeric = false;
    const qulonglong id = result.id.toULongLong(&numeric);
    if (numeric)
        setNextEventId(QString::number(id + 1));
}

QString ComposerWidget::confirmation(const PublishResult &result)
{
    // The real audience, so that what the operator reads is what happened.
    switch (result.target.kind) {
    case PublishTarget::Kind::All:
        return tr("Sent event %1 to all %n subscriber(s), every channel", nullptr, result.delivered)
            .arg(result.id);
    case PublishTarget::Kind::Channel:
        return tr("Sent event %1 to %n subscriber(s) of %2", nullptr, result.delivered)
            .arg(result.id, result.channel.isEmpty() ? DefaultChannel : result.channel);
    case PublishTarget::Kind::Clients:
        return tr("Sent event %1 to %n of %2 selected client(s)", nullptr, result.delivered)
            .arg(result.id)
            .arg(result.target.clientIds.size());
    }
    return {};
}

void ComposerWidget::setNextEventId(const QString &id)
{
    if (id == m_predictedNextId)
        return;
    m_predictedNextId = id;
    if (m_autoId->isChecked())
        updateValidationAndPreview();
}

void ComposerWidget::setServerRunning(bool running)
{
    m_serverRunning = running;
    if (!running) {
        // Nothing to repeat into: a restart should not resume sending by surprise.
        m_repeat->setChecked(false);
    } else if (!m_sendFailure.isEmpty()) {
        m_sendFailure.clear();
        updateValidationAndPreview();
    }
}

void ComposerWidget::focusData()
{
    m_data->setFocus(Qt::OtherFocusReason);
}

QString ComposerWidget::curlCommand() const
{
    return curlForPublish(currentEvent(), currentTarget(), m_serverUrl);
}

EventTemplatesModel *ComposerWidget::templatesModel() const
{
    return m_library->templates();
}

SendHistoryModel *ComposerWidget::historyModel() const
{
    return m_library->history();
}

void ComposerWidget::chooseTemplatesToImport()
{
    m_library->chooseTemplatesToImport();
}

void ComposerWidget::chooseTemplatesExportFile()
{
    m_library->chooseTemplatesExportFile();
}

void ComposerWidget::rememberType(const QString &eventType)
{
    QStringList types = m_recentTypes->stringList();
    if (!types.isEmpty() && types.constFirst() == eventType)
        return;
    types.removeAll(eventType);
    types.prepend(eventType);
    while (types.size() > MaxRecentTypes)
        types.removeLast();
    m_recentTypes->setStringList(types);
    m_eventType->setCurrentIndex(0);
}

void ComposerWidget::setEvent(const SseEvent &event)
{
    m_eventType->setCurrentText(event.event.isEmpty() ? DefaultEventType : event.event);
    m_autoId->setChecked(event.id.isEmpty());
    m_id->setText(event.id);
    m_data->setPlainText(event.data);
    m_retry->setText(event.retry);
    m_channel->setText(event.channel);
    updateValidationAndPreview();
}

void ComposerWidget::setTargetKind(TargetKind kind)
{
    m_target->setCurrentIndex(m_target->findData(int(kind)));
}

void ComposerWidget::setSelectedClients(const QList<quint64> &clientIds)
{
    m_selectedClients = clientIds;
    updateValidationAndPreview();
}

void ComposerWidget::setAutoId(bool autoId)
{
    m_autoId->setChecked(autoId);
}

void ComposerWidget::setJsonMode(bool jsonMode)
{
    m_jsonMode->setChecked(jsonMode);
}

void ComposerWidget::setHistorySize(int entries)
{
    m_library->history()->setMaxEntries(entries);
}

void ComposerWidget::loadSettings(QSettings &settings)
{
    settings.beginGroup(QStringLiteral("composer"));
    m_library->templates()->fromVariant(settings.value(QStringLiteral("templates")).toList());
    QStringList types = settings.value(QStringLiteral("recentTypes")).toStringList();
    if (types.isEmpty())
        types = {DefaultEventType};
    m_recentTypes->setStringList(types.mid(0, MaxRecentTypes));
    m_eventType->setCurrentIndex(0);
    m_jsonMode->setChecked(settings.value(QStringLiteral("jsonMode"), false).toBool());
    m_repeatInterval->setValue(settings.value(QStringLiteral("repeatMs"), 1000).toInt());
    // The draft: what was being written when the window closed.
    m_data->setPlainText(settings.value(QStringLiteral("draftData")).toString());
    m_channel->setText(settings.value(QStringLiteral("channel")).toString());
    const int target =
        m_target->findData(settings.value(QStringLiteral("target"), int(TargetKind::All)).toInt());
    // Chosen clients don't outlive the run; fall back to everyone.
    m_target->setCurrentIndex(target < 0 || TargetKind(m_target->itemData(target).toInt()) ==
                                                TargetKind::SelectedClients
                                  ? m_target->findData(int(TargetKind::All))
                                  : target);
    settings.endGroup();
    updateValidationAndPreview();
}

void ComposerWidget::saveSettings(QSettings &settings) const
{
    settings.beginGroup(QStringLiteral("composer"));
    settings.setValue(QStringLiteral("templates"), m_library->templates()->toVariant());
    settings.setValue(QStringLiteral("recentTypes"), m_recentTypes->stringList());
    settings.setValue(QStringLiteral("jsonMode"), m_jsonMode->isChecked());
    settings.setValue(QStringLiteral("repeatMs"), m_repeatInterval->value());
    settings.setValue(QStringLiteral("draftData"), m_data->toPlainText());
    settings.setValue(QStringLiteral("channel"), m_channel->text());
    settings.setValue(QStringLiteral("target"), m_target->currentData().toInt());
    settings.endGroup();
}

} // namespace sse::ui
