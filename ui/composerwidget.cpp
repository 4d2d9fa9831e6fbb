#include "composerwidget.h"

#include "models/eventtemplatesmodel.h"
#include "models/sendhistorymodel.h"
#include "servercontroller.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QStringListModel>
#include <QTimer>
#include <QVBoxLayout>

namespace sse::ui {

namespace {

QLabel *errorLabel(QWidget *parent, const QString &objectName)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setStyleSheet(QStringLiteral("QLabel { color: #b00; }"));
    label->setWordWrap(true);
    label->hide();
    return label;
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
    , m_templates(new EventTemplatesModel(this))
    , m_history(new SendHistoryModel(this))
    , m_recentTypes(new QStringListModel({DefaultEventType}, this))
    , m_repeatTimer(new QTimer(this))
{
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("composerSplitter"));
    splitter->addWidget(buildFields());
    splitter->addWidget(buildTemplatesAndHistory());
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

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
    updateValidationAndPreview();
}

QWidget *ComposerWidget::buildFields()
{
    auto *box = new QGroupBox(tr("Compose an event"), this);
    m_eventType = new QComboBox(box);
    m_eventType->setObjectName(QStringLiteral("eventType"));
    m_eventType->setEditable(true);
    m_eventType->setInsertPolicy(QComboBox::NoInsert);
    m_eventType->setModel(m_recentTypes);
    m_eventType->setToolTip(tr("The event type; EventSource's onmessage sees only \"message\""));
    m_eventTypeError = errorLabel(box, QStringLiteral("eventTypeError"));

    m_autoId = new QCheckBox(tr("Auto"), box);
    m_autoId->setObjectName(QStringLiteral("autoId"));
    m_autoId->setToolTip(tr("Let the server assign the next integer id"));
    m_autoId->setChecked(true);
    m_id = new QLineEdit(box);
    m_id->setObjectName(QStringLiteral("eventId"));
    m_id->setPlaceholderText(tr("assigned by the server"));
    m_id->setEnabled(false);
    m_idError = errorLabel(box, QStringLiteral("idError"));

    m_data = new QPlainTextEdit(box);
    m_data->setObjectName(QStringLiteral("eventData"));
    m_data->setPlaceholderText(tr("Data; each line becomes a data: line"));
    m_data->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_data->setTabChangesFocus(true);
    m_jsonMode = new QCheckBox(tr("JSON"), box);
    m_jsonMode->setObjectName(QStringLiteral("jsonMode"));
    m_prettyJson = new QPushButton(tr("Pretty"), box);
    m_prettyJson->setObjectName(QStringLiteral("prettyJson"));
    m_compactJson = new QPushButton(tr("Compact"), box);
    m_compactJson->setObjectName(QStringLiteral("compactJson"));
    m_dataError = errorLabel(box, QStringLiteral("dataError"));

    m_retry = new QLineEdit(box);
    m_retry->setObjectName(QStringLiteral("eventRetry"));
    m_retry->setPlaceholderText(tr("none (ms)"));
    m_retryError = errorLabel(box, QStringLiteral("retryError"));
    m_channel = new QLineEdit(box);
    m_channel->setObjectName(QStringLiteral("eventChannel"));
    m_channel->setPlaceholderText(DefaultChannel);
    m_channelError = errorLabel(box, QStringLiteral("channelError"));

    m_target = new QComboBox(box);
    m_target->setObjectName(QStringLiteral("eventTarget"));
    m_target->addItem(tr("Subscribers of the channel"), int(TargetKind::Channel));
    m_target->addItem(tr("All clients"), int(TargetKind::All));
    m_target->addItem(tr("Selected clients (none)"), int(TargetKind::SelectedClients));

    m_preview = new QPlainTextEdit(box);
    m_preview->setObjectName(QStringLiteral("wirePreview"));
    m_preview->setReadOnly(true);
    m_preview->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_preview->setMaximumHeight(110);
    m_previewNote = new QLabel(box);
    m_previewNote->setObjectName(QStringLiteral("previewNote"));
    m_previewNote->setWordWrap(true);

    m_send = new QPushButton(tr("Send (Ctrl+Enter)"), box);
    m_send->setObjectName(QStringLiteral("sendButton"));
    m_send->setDefault(true);
    m_repeat = new QCheckBox(tr("Repeat every"), box);
    m_repeat->setObjectName(QStringLiteral("repeat"));
    m_repeatInterval = new QSpinBox(box);
    m_repeatInterval->setObjectName(QStringLiteral("repeatInterval"));
    m_repeatInterval->setRange(10, 3600000);
    m_repeatInterval->setValue(1000);
    m_repeatInterval->setSuffix(tr(" ms"));
    m_comment = new QLineEdit(box);
    m_comment->setObjectName(QStringLiteral("commentText"));
    m_comment->setPlaceholderText(tr("comment text"));
    m_sendComment = new QPushButton(tr("Send comment now"), box);
    m_sendComment->setObjectName(QStringLiteral("sendCommentButton"));

    auto *idRow = new QHBoxLayout;
    idRow->addWidget(m_id, 1);
    idRow->addWidget(m_autoId);
    auto *jsonRow = new QHBoxLayout;
    jsonRow->addWidget(m_jsonMode);
    jsonRow->addWidget(m_prettyJson);
    jsonRow->addWidget(m_compactJson);
    jsonRow->addStretch(1);
    auto *sendRow = new QHBoxLayout;
    sendRow->addWidget(m_send);
    sendRow->addStretch(1);
    sendRow->addWidget(m_repeat);
    sendRow->addWidget(m_repeatInterval);
    auto *commentRow = new QHBoxLayout;
    commentRow->addWidget(m_comment, 1);
    commentRow->addWidget(m_sendComment);

    auto *form = new QFormLayout(box);
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->addRow(tr("Event type:"), m_eventType);
    form->addRow(QString(), m_eventTypeError);
    form->addRow(tr("Id:"), idRow);
    form->addRow(QString(), m_idError);
    form->addRow(tr("Data:"), m_data);
    form->addRow(QString(), jsonRow);
    form->addRow(QString(), m_dataError);
    form->addRow(tr("Retry:"), m_retry);
    form->addRow(QString(), m_retryError);
    form->addRow(tr("Channel:"), m_channel);
    form->addRow(QString(), m_channelError);
    form->addRow(tr("Send to:"), m_target);
    form->addRow(tr("On the wire:"), m_preview);
    form->addRow(QString(), m_previewNote);
    form->addRow(sendRow);
    form->addRow(tr("Comment:"), commentRow);

    const auto changed = [this] {
        updateValidationAndPreview();
    };
    connect(m_eventType, &QComboBox::currentTextChanged, this, changed);
    connect(m_id, &QLineEdit::textChanged, this, changed);
    connect(m_autoId, &QCheckBox::toggled, this, [this](bool autoId) {
        m_id->setEnabled(!autoId);
        updateValidationAndPreview();
    });
    connect(m_data, &QPlainTextEdit::textChanged, this, changed);
    connect(m_jsonMode, &QCheckBox::toggled, this, changed);
    connect(m_retry, &QLineEdit::textChanged, this, changed);
    connect(m_channel, &QLineEdit::textChanged, this, changed);
    connect(m_target, &QComboBox::currentIndexChanged, this, changed);
    connect(m_prettyJson, &QPushButton::clicked, this, [this] { formatJson(true); });
    connect(m_compactJson, &QPushButton::clicked, this, [this] { formatJson(false); });
    connect(m_send, &QPushButton::clicked, this, &ComposerWidget::send);
    connect(m_sendComment, &QPushButton::clicked, this, &ComposerWidget::sendComment);
    connect(m_comment, &QLineEdit::returnPressed, this, &ComposerWidget::sendComment);
    connect(m_repeat, &QCheckBox::toggled, this, [this](bool repeat) {
        if (repeat)
            m_repeatTimer->start(m_repeatInterval->value());
        else
            m_repeatTimer->stop();
    });
    connect(m_repeatInterval, &QSpinBox::valueChanged, this, [this](int interval) {
        if (m_repeatTimer->isActive())
            m_repeatTimer->start(interval);
    });
    return box;
}

QWidget *ComposerWidget::buildTemplatesAndHistory()
{
    auto *box = new QWidget(this);
    m_templateName = new QComboBox(box);
    m_templateName->setObjectName(QStringLiteral("templateName"));
    m_templateName->setEditable(true);
    m_templateName->setInsertPolicy(QComboBox::NoInsert);
    m_templateName->setModel(m_templates);
    m_templateName->setCurrentIndex(-1);
    m_templateName->lineEdit()->setPlaceholderText(tr("template name"));
    auto *save = new QPushButton(tr("Save"), box);
    save->setObjectName(QStringLiteral("saveTemplate"));
    auto *load = new QPushButton(tr("Load"), box);
    load->setObjectName(QStringLiteral("loadTemplate"));
    auto *remove = new QPushButton(tr("Delete"), box);
    remove->setObjectName(QStringLiteral("deleteTemplate"));

    m_historyView = new QListView(box);
    m_historyView->setObjectName(QStringLiteral("sendHistory"));
    m_historyView->setModel(m_history);
    m_historyView->setUniformItemSizes(true);
    auto *resend = new QPushButton(tr("Resend"), box);
    resend->setObjectName(QStringLiteral("resendButton"));

    auto *templateRow = new QHBoxLayout;
    templateRow->addWidget(new QLabel(tr("Templates:"), box));
    templateRow->addWidget(m_templateName, 1);
    templateRow->addWidget(save);
    templateRow->addWidget(load);
    templateRow->addWidget(remove);
    auto *historyRow = new QHBoxLayout;
    historyRow->addWidget(new QLabel(tr("Recent sends:"), box));
    historyRow->addStretch(1);
    historyRow->addWidget(resend);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(templateRow);
    layout->addLayout(historyRow);
    layout->addWidget(m_historyView);

    connect(save, &QPushButton::clicked, this, [this] {
        const QString name = m_templateName->currentText().trimmed();
        if (name.isEmpty())
            return;
        SseEvent event = currentEvent();
        m_templateName->setCurrentIndex(m_templates->saveTemplate(name, event));
    });
    connect(load, &QPushButton::clicked, this, [this] {
        const int row = m_templates->rowOfName(m_templateName->currentText().trimmed());
        if (row >= 0)
            setEvent(m_templates->templateAt(row).event);
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        m_templates->removeTemplate(
            m_templates->rowOfName(m_templateName->currentText().trimmed()));
        m_templateName->setCurrentIndex(-1);
    });
    const auto resendCurrent = [this] {
        const QModelIndex index = m_historyView->currentIndex();
        if (!index.isValid())
            return;
        const SendHistoryModel::Entry entry = m_history->entry(index.row());
        m_controller->publish(entry.event, entry.target);
        m_history->addSend(QDateTime::currentDateTime(), entry.event, entry.target);
    };
    connect(resend, &QPushButton::clicked, this, resendCurrent);
    connect(m_historyView, &QListView::doubleClicked, this, resendCurrent);
    return box;
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

void ComposerWidget::setFieldError(QLabel *label, QWidget *field, const QString &message)
{
    label->setText(message);
    label->setVisible(!message.isEmpty());
    field->setStyleSheet(message.isEmpty() ? QString() : QStringLiteral("border: 1px solid #c00;"));
    field->setToolTip(message);
}

QString ComposerWidget::validationError() const
{
    for (QLabel *label : {m_eventTypeError, m_idError, m_dataError, m_retryError, m_channelError}) {
        if (!label->text().isEmpty())
            return label->text();
    }
    if (TargetKind(m_target->currentData().toInt()) == TargetKind::SelectedClients &&
        m_selectedClients.isEmpty())
        return tr("No client is selected in the clients table");
    return {};
}

void ComposerWidget::updateValidationAndPreview()
{
    const SseEvent event = currentEvent();
    const auto message = [](const std::optional<ValidationError> &error) {
        return error ? error->message() : QString();
    };
    // The very checks /publish applies, so the window and the HTTP API never disagree.
    setFieldError(m_eventTypeError, m_eventType,
                  message(validateEventName(m_eventType->currentText())));
    setFieldError(m_idError, m_id, message(validateId(event.id)));
    setFieldError(m_retryError, m_retry, message(validateRetry(event.retry)));
    setFieldError(m_channelError, m_channel, message(validateChannel(event.channel)));

    QString dataError;
    const bool jsonMode = m_jsonMode->isChecked();
    m_prettyJson->setEnabled(jsonMode);
    m_compactJson->setEnabled(jsonMode);
    if (jsonMode) {
        QJsonParseError parseError;
        QJsonDocument::fromJson(event.data.toUtf8(), &parseError);
        if (parseError.error != QJsonParseError::NoError) {
            dataError = tr("field 'data': not valid JSON: %1 at offset %2")
                            .arg(parseError.errorString())
                            .arg(parseError.offset);
        }
    }
    setFieldError(m_dataError, m_data, dataError);

    m_target->setItemText(2, m_selectedClients.isEmpty()
                                 ? tr("Selected clients (none)")
                                 : tr("Selected clients (%1)").arg(m_selectedClients.size()));

    const QString error = validationError();
    m_send->setEnabled(error.isEmpty());
    m_send->setToolTip(error);
    if (!error.isEmpty() && !m_eventTypeError->isVisible() && !m_idError->isVisible() &&
        !m_retryError->isVisible() && !m_channelError->isVisible() && !m_dataError->isVisible()) {
        m_previewNote->setText(error);
    } else if (m_autoId->isChecked()) {
        m_previewNote->setText(m_predictedNextId.isEmpty()
                                   ? tr("The server assigns the id when it sends the event.")
                                   : tr("The server assigns the id; %1 is the next one expected.")
                                         .arg(m_predictedNextId));
    } else {
        m_previewNote->clear();
    }
    if (m_eventTypeError->isVisible() || m_idError->isVisible() || m_retryError->isVisible() ||
        m_channelError->isVisible()) {
        m_preview->setPlainText(tr("(fix the fields marked in red)"));
    } else {
        m_preview->setPlainText(visibleBytes(previewBytes()));
    }
    if (event.data.isEmpty())
        m_previewNote->setText(tr("Empty data: browsers dispatch nothing for this event."));
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
    const QJsonDocument document = QJsonDocument::fromJson(m_data->toPlainText().toUtf8());
    if (document.isNull())
        return;
    const QByteArray text =
        document.toJson(pretty ? QJsonDocument::Indented : QJsonDocument::Compact);
    m_data->setPlainText(QString::fromUtf8(text).trimmed());
}

bool ComposerWidget::send()
{
    updateValidationAndPreview();
    if (!validationError().isEmpty())
        return false;
    const SseEvent event = currentEvent();
    const PublishTarget target = currentTarget();
    m_controller->publish(event, target);
    m_history->addSend(QDateTime::currentDateTime(), event, target);
    rememberType(m_eventType->currentText());
    return true;
}

void ComposerWidget::sendComment()
{
    const QString text = m_comment->text();
    m_controller->sendComment(text, currentEvent().channel, currentTarget());
}

void ComposerWidget::onPublishFinished(const PublishResult &result)
{
    m_history->applyResult(result);
    bool numeric = false;
    const qulonglong id = result.id.toULongLong(&numeric);
    if (result.error.isEmpty() && numeric) {
        m_predictedNextId = QString::number(id + 1);
        if (m_autoId->isChecked())
            updateValidationAndPreview();
    }
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
    m_history->setMaxEntries(entries);
}

void ComposerWidget::loadSettings(QSettings &settings)
{
    settings.beginGroup(QStringLiteral("composer"));
    m_templates->fromVariant(settings.value(QStringLiteral("templates")).toList());
    m_templateName->setCurrentIndex(-1);
    QStringList types = settings.value(QStringLiteral("recentTypes")).toStringList();
    if (types.isEmpty())
        types = {DefaultEventType};
    m_recentTypes->setStringList(types.mid(0, MaxRecentTypes));
    m_eventType->setCurrentIndex(0);
    m_jsonMode->setChecked(settings.value(QStringLiteral("jsonMode"), false).toBool());
    m_repeatInterval->setValue(settings.value(QStringLiteral("repeatMs"), 1000).toInt());
    settings.endGroup();
}

void ComposerWidget::saveSettings(QSettings &settings) const
{
    settings.beginGroup(QStringLiteral("composer"));
    settings.setValue(QStringLiteral("templates"), m_templates->toVariant());
    settings.setValue(QStringLiteral("recentTypes"), m_recentTypes->stringList());
    settings.setValue(QStringLiteral("jsonMode"), m_jsonMode->isChecked());
    settings.setValue(QStringLiteral("repeatMs"), m_repeatInterval->value());
    settings.endGroup();
}

} // namespace sse::ui
