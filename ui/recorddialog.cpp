#include "recorddialog.h"

#include "retranslate.h"
#include "streamrecorder.h"

#include <QDialogButtonBox>
#include <QEvent>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QUrl>

namespace sse::ui {

RecordDialog::RecordDialog(QWidget *parent)
    : QDialog(parent)
    , m_url(new QLineEdit(this))
    , m_headers(new QPlainTextEdit(this))
    , m_maxEvents(new QSpinBox(this))
    , m_maxSeconds(new QSpinBox(this))
    , m_status(new QLabel(this))
{
    m_url->setObjectName(QStringLiteral("recordUrl"));
    m_url->setPlaceholderText(QStringLiteral("https://example.com/stream"));
    m_headers->setTabChangesFocus(true);
    m_headers->setMaximumHeight(m_headers->fontMetrics().lineSpacing() * 3 + 12);
    m_maxEvents->setRange(0, 1000000);
    m_maxEvents->setValue(100);

    m_maxSeconds->setRange(0, 86400);
    m_maxSeconds->setValue(60);

    m_status->setObjectName(QStringLiteral("recordStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_start = buttons->addButton(QString(), QDialogButtonBox::ActionRole);
    m_stop = buttons->addButton(QString(), QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_start, &QPushButton::clicked, this, &RecordDialog::start);
    connect(m_stop, &QPushButton::clicked, this, &RecordDialog::stop);

    m_form = new QFormLayout(this);
    for (QWidget *field :
         std::initializer_list<QWidget *>{m_url, m_headers, m_maxEvents, m_maxSeconds})
        m_form->addRow(new QLabel(this), field); // retranslateUi() gives the labels words
    m_form->addRow(m_status);
    m_form->addRow(buttons);
    setMinimumWidth(480);
    setRecording(false);
    retranslateUi();
    showStatus(tr("Not recording"), false);
}

void RecordDialog::changeEvent(QEvent *event)
{
    QDialog::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
}

void RecordDialog::retranslateUi()
{
    setWindowTitle(tr("Record from URL"));
    m_headers->setPlaceholderText(tr("One per line, such as Authorization: Bearer …"));
    m_maxEvents->setSpecialValueText(tr("no limit"));
    m_maxEvents->setSuffix(tr(" events"));
    m_maxSeconds->setSpecialValueText(tr("no limit"));
    m_maxSeconds->setSuffix(tr(" s"));
    m_start->setText(tr("Start"));
    m_stop->setText(tr("Stop"));
    setRowLabel(m_form, m_url, tr("URL"));
    setRowLabel(m_form, m_headers, tr("Headers"));
    setRowLabel(m_form, m_maxEvents, tr("Stop after"));
    setRowLabel(m_form, m_maxSeconds, tr("or after"));
}

// Closing the dialog mid-recording drops what was recorded: the recorder is a child and
// goes with it, without a finished() that would open a tab.
RecordDialog::~RecordDialog() = default;

void RecordDialog::setUrl(const QString &url)
{
    m_url->setText(url);
}

void RecordDialog::setHeaders(const QString &lines)
{
    m_headers->setPlainText(lines);
}

void RecordDialog::setMaxEvents(int count)
{
    m_maxEvents->setValue(count);
}

void RecordDialog::setMaxSeconds(int seconds)
{
    m_maxSeconds->setValue(seconds);
}

bool RecordDialog::start()
{
    if (isRecording())
        return false;
    StreamRecorder::Options options;
    options.url = QUrl::fromUserInput(m_url->text().trimmed());
    if (m_url->text().trimmed().isEmpty() || !options.url.isValid() ||
        (options.url.scheme() != u"http" && options.url.scheme() != u"https")) {
        showStatus(tr("URL: enter an http:// or https:// address"), true);
        return false;
    }
    for (const QString &line : m_headers->toPlainText().split(u'\n', Qt::SkipEmptyParts)) {
        if (line.trimmed().isEmpty())
            continue;
        const QPair<QByteArray, QByteArray> header = StreamRecorder::parseHeader(line);
        if (header.first.isEmpty()) {
            showStatus(tr("Headers: “%1” is not “Name: value”").arg(line.trimmed()), true);
            return false;
        }
        options.headers.append(header);
    }
    options.maxEvents = m_maxEvents->value();
    options.maxDurationSeconds = m_maxSeconds->value();

    delete m_recorder;
    m_recorder = new StreamRecorder(this);
    connect(m_recorder, &StreamRecorder::eventRecorded, this,
            [this](int count) { showStatus(tr("%n event(s) recorded", nullptr, count), false); });
    connect(m_recorder, &StreamRecorder::failed, this, [this](const QString &message) {
        setRecording(false);
        showStatus(message, true);
    });
    connect(m_recorder, &StreamRecorder::finished, this,
            [this](const Scenario &scenario, const QString &reason) {
                setRecording(false);
                if (scenario.steps.isEmpty()) {
                    showStatus(tr("Nothing was recorded: %1").arg(reason), true);
                    return;
                }
                showStatus(tr("%n event(s) recorded, opened as a new scenario: %1", nullptr,
                              scenario.eventCount())
                               .arg(reason),
                           false);
                emit recorded(scenario, reason);
            });
    setRecording(true);
    showStatus(tr("Recording %1…").arg(options.url.toDisplayString()), false);
    m_recorder->start(options);
    return true;
}

void RecordDialog::stop()
{
    if (m_recorder && isRecording())
        m_recorder->stop();
}

bool RecordDialog::isRecording() const
{
    return m_recording;
}

QString RecordDialog::statusText() const
{
    return m_status->text();
}

void RecordDialog::setRecording(bool recording)
{
    m_recording = recording;
    m_start->setEnabled(!recording);
    m_stop->setEnabled(recording);
    for (QWidget *field :
         std::initializer_list<QWidget *>{m_url, m_headers, m_maxEvents, m_maxSeconds})
        field->setEnabled(!recording);
}

void RecordDialog::showStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? QStringLiteral("QLabel { color: #d33; }") : QString());
}

} // namespace sse::ui
