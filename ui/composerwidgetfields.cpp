// ComposerWidget's form: the fields, the wire preview and the send controls, laid out and
// wired.
#include "composerwidget.h"
#include "elidinglabel.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStringListModel>
#include <QTimer>

namespace sse::ui {

QWidget *ComposerWidget::buildFields()
{
    auto *box = new QWidget(this);
    createEventFields(box);
    createTargetAndPreview(box);
    createSendControls(box);
    layOutFields(box);
    connectFields();
    return box;
}

void ComposerWidget::createEventFields(QWidget *box)
{
    m_eventType = new QComboBox(box);
    m_eventType->setObjectName(QStringLiteral("eventType"));
    m_eventType->setEditable(true);
    m_eventType->setInsertPolicy(QComboBox::NoInsert);
    m_eventType->setModel(m_recentTypes);
    m_eventType->setToolTip(tr("The event type; EventSource's onmessage sees only \"message\""));

    m_autoId = new QCheckBox(tr("Auto"), box);
    m_autoId->setObjectName(QStringLiteral("autoId"));
    m_autoId->setToolTip(tr("Let the server assign the next integer id"));
    m_autoId->setChecked(true);
    m_id = new QLineEdit(box);
    m_id->setObjectName(QStringLiteral("eventId"));
    m_id->setPlaceholderText(tr("assigned by the server"));
    m_id->setEnabled(false);

    m_data = new QPlainTextEdit(box);
    m_data->setObjectName(QStringLiteral("eventData"));
    m_data->setPlaceholderText(tr("Data; each line becomes a data: line"));
    m_data->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_data->setTabChangesFocus(true);
    m_data->setMinimumHeight(m_data->fontMetrics().height() * 4);
    m_jsonMode = new QCheckBox(tr("JSON"), box);
    m_jsonMode->setObjectName(QStringLiteral("jsonMode"));
    m_prettyJson = new QPushButton(tr("Pretty"), box);
    m_prettyJson->setObjectName(QStringLiteral("prettyJson"));
    m_compactJson = new QPushButton(tr("Compact"), box);
    m_compactJson->setObjectName(QStringLiteral("compactJson"));

    m_retry = new QLineEdit(box);
    m_retry->setObjectName(QStringLiteral("eventRetry"));
    m_retry->setPlaceholderText(tr("none (ms)"));
    m_channel = new QLineEdit(box);
    m_channel->setObjectName(QStringLiteral("eventChannel"));
    m_channel->setPlaceholderText(DefaultChannel);
}

void ComposerWidget::createTargetAndPreview(QWidget *box)
{
    m_target = new QComboBox(box);
    m_target->setObjectName(QStringLiteral("eventTarget"));
    m_target->addItem(tr("All subscribers, every channel"), int(TargetKind::All));
    m_target->addItem(tr("Subscribers of the channel"), int(TargetKind::Channel));
    m_target->addItem(tr("Selected clients (none)"), int(TargetKind::SelectedClients));
    m_message = new ElidingLabel(box, true);
    m_message->setObjectName(QStringLiteral("composerMessage"));
    m_message->setStyleSheet(QStringLiteral("QLabel { color: #d33; }"));

    m_preview = new QPlainTextEdit(box);
    m_preview->setObjectName(QStringLiteral("wirePreview"));
    m_preview->setReadOnly(true);
    m_preview->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_preview->setMinimumHeight(m_preview->fontMetrics().height() * 3);
    m_preview->setMaximumHeight(m_preview->fontMetrics().height() * 20); // grows on a big screen
    m_previewNote = new ElidingLabel(box, true);
    m_previewNote->setObjectName(QStringLiteral("previewNote"));
}

void ComposerWidget::createSendControls(QWidget *box)
{
    m_send = new QPushButton(tr("Send (Ctrl+Enter)"), box);
    m_send->setObjectName(QStringLiteral("sendButton"));
    m_send->setDefault(true);
    m_copyCurl = new QPushButton(tr("Copy as curl"), box);
    m_copyCurl->setObjectName(QStringLiteral("copyCurlButton"));
    m_copyCurl->setToolTip(tr("Copy a curl command that publishes this event over HTTP"));
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
}

void ComposerWidget::layOutFields(QWidget *box)
{
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
    sendRow->addWidget(m_copyCurl);
    sendRow->addStretch(1);
    sendRow->addWidget(m_repeat);
    sendRow->addWidget(m_repeatInterval);
    auto *commentRow = new QHBoxLayout;
    commentRow->addWidget(m_comment, 1);
    commentRow->addWidget(m_sendComment);

    auto *form = new QFormLayout(box);
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Event type:"), m_eventType);
    form->addRow(tr("Id:"), idRow);
    form->addRow(tr("Data:"), m_data);
    form->addRow(QString(), jsonRow);
    form->addRow(tr("Retry:"), m_retry);
    form->addRow(tr("Channel:"), m_channel);
    form->addRow(tr("Send to:"), m_target);
    form->addRow(tr("On the wire:"), m_preview);
    form->addRow(QString(), m_previewNote);
    form->addRow(m_message);
    form->addRow(sendRow);
    form->addRow(tr("Comment:"), commentRow);
}

void ComposerWidget::connectFields()
{
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
    connect(m_copyCurl, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(curlCommand()); });
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
}

} // namespace sse::ui
