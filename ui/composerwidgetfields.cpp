// ComposerWidget's form: the fields, the wire preview and the send controls, laid out and
// wired.
#include "composerwidget.h"
#include "elidinglabel.h"
#include "retranslate.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
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

    m_autoId = new QCheckBox(box);
    m_autoId->setObjectName(QStringLiteral("autoId"));
    m_autoId->setChecked(true);
    m_id = new QLineEdit(box);
    m_id->setObjectName(QStringLiteral("eventId"));
    m_id->setEnabled(false);

    m_data = new QPlainTextEdit(box);
    m_data->setObjectName(QStringLiteral("eventData"));
    m_data->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_data->setTabChangesFocus(true);
    m_data->setMinimumHeight(m_data->fontMetrics().height() * 4);
    m_jsonMode = new QCheckBox(box);
    m_jsonMode->setObjectName(QStringLiteral("jsonMode"));
    m_prettyJson = new QPushButton(box);
    m_prettyJson->setObjectName(QStringLiteral("prettyJson"));
    m_compactJson = new QPushButton(box);
    m_compactJson->setObjectName(QStringLiteral("compactJson"));

    m_retry = new QLineEdit(box);
    m_retry->setObjectName(QStringLiteral("eventRetry"));
    m_channel = new QLineEdit(box);
    m_channel->setObjectName(QStringLiteral("eventChannel"));
    m_channel->setPlaceholderText(DefaultChannel);
}

void ComposerWidget::createTargetAndPreview(QWidget *box)
{
    m_target = new QComboBox(box);
    m_target->setObjectName(QStringLiteral("eventTarget"));
    // retranslateUi() names them; the selected clients' item counts them.
    for (const TargetKind kind :
         {TargetKind::All, TargetKind::Channel, TargetKind::SelectedClients})
        m_target->addItem(QString(), int(kind));
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
    m_send = new QPushButton(box);
    m_send->setObjectName(QStringLiteral("sendButton"));
    m_send->setDefault(true);
    m_copyCurl = new QPushButton(box);
    m_copyCurl->setObjectName(QStringLiteral("copyCurlButton"));
    m_repeat = new QCheckBox(box);
    m_repeat->setObjectName(QStringLiteral("repeat"));
    m_repeatInterval = new QSpinBox(box);
    m_repeatInterval->setObjectName(QStringLiteral("repeatInterval"));
    m_repeatInterval->setRange(10, 3600000);
    m_repeatInterval->setValue(1000);
    m_comment = new QLineEdit(box);
    m_comment->setObjectName(QStringLiteral("commentText"));
    m_sendComment = new QPushButton(box);
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

    m_form = new QFormLayout(box);
    m_form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    m_form->setContentsMargins(0, 0, 0, 0);
    // The labels' words come from retranslateUi().
    const auto label = [box] {
        return new QLabel(box);
    };
    m_form->addRow(label(), m_eventType);
    m_form->addRow(label(), idRow);
    m_form->addRow(label(), m_data);
    m_form->addRow(QString(), jsonRow);
    m_form->addRow(label(), m_retry);
    m_form->addRow(label(), m_channel);
    m_form->addRow(label(), m_target);
    m_form->addRow(label(), m_preview);
    m_form->addRow(QString(), m_previewNote);
    m_form->addRow(m_message);
    m_form->addRow(sendRow);
    m_form->addRow(label(), commentRow);
}

void ComposerWidget::retranslateUi()
{
    m_eventType->setToolTip(tr("The event type; EventSource's onmessage sees only \"message\""));
    m_autoId->setText(tr("Auto"));
    m_autoId->setToolTip(tr("Let the server assign the next integer id"));
    m_id->setPlaceholderText(tr("assigned by the server"));
    m_data->setPlaceholderText(tr("Data; each line becomes a data: line"));
    m_jsonMode->setText(tr("JSON"));
    m_prettyJson->setText(tr("Pretty"));
    m_compactJson->setText(tr("Compact"));
    m_retry->setPlaceholderText(tr("none (ms)"));
    setItemTexts(m_target,
                 {tr("All subscribers, every channel"), tr("Subscribers of the channel")});
    m_send->setText(tr("Send (Ctrl+Enter)"));
    m_copyCurl->setText(tr("Copy as curl"));
    m_copyCurl->setToolTip(tr("Copy a curl command that publishes this event over HTTP"));
    m_repeat->setText(tr("Repeat every"));
    m_repeatInterval->setSuffix(tr(" ms"));
    m_comment->setPlaceholderText(tr("comment text"));
    m_sendComment->setText(tr("Send comment now"));
    setRowLabel(m_form, m_eventType, tr("Event type:"));
    setRowLabel(m_form, m_id, tr("Id:"));
    setRowLabel(m_form, m_data, tr("Data:"));
    setRowLabel(m_form, m_retry, tr("Retry:"));
    setRowLabel(m_form, m_channel, tr("Channel:"));
    setRowLabel(m_form, m_target, tr("Send to:"));
    setRowLabel(m_form, m_preview, tr("On the wire:"));
    setRowLabel(m_form, m_comment, tr("Comment:"));
    // The tooltips, the notes and the selected clients' item.
    updateValidationAndPreview();
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
