#include "streamrecorder.h"

#include "serverlogging.h"

#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <utility>

namespace sse {

StreamRecorder::StreamRecorder(QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
{
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        finish(QStringLiteral("the %1 s duration was reached").arg(m_options.maxDurationSeconds));
    });
}

StreamRecorder::~StreamRecorder()
{
    if (m_reply)
        m_reply->abort();
}

QPair<QByteArray, QByteArray> StreamRecorder::parseHeader(const QString &text)
{
    const qsizetype colon = text.indexOf(u':');
    if (colon <= 0)
        return {};
    const QByteArray name = text.left(colon).trimmed().toLatin1();
    for (const char c : name) {
        const bool token = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
        if (!token)
            return {};
    }
    return {name, text.mid(colon + 1).trimmed().toUtf8()};
}

void StreamRecorder::start(const Options &options)
{
    m_options = options;
    m_scenario = {};
    m_scenario.name = QFileInfo(options.url.path()).completeBaseName();
    if (m_scenario.name.isEmpty())
        m_scenario.name = options.url.host();
    QNetworkRequest request(options.url);
    request.setRawHeader("Accept", "text/event-stream");
    request.setRawHeader("Cache-Control", "no-cache");
    for (const auto &[name, value] : options.headers)
        request.setRawHeader(name, value);
    // A stream has no end to wait for: no transfer timeout, and each chunk is read as it comes.
    request.setTransferTimeout(0);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::NoLessSafeRedirectPolicy);
    m_reply = m_network->get(request);
    m_reply->setReadBufferSize(0);
    connect(m_reply, &QNetworkReply::metaDataChanged, this, [this] { checkResponse(); });
    connect(m_reply, &QIODevice::readyRead, this, &StreamRecorder::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &StreamRecorder::onFinished);
    qCInfo(lcServer).noquote() << "recording" << options.url.toDisplayString();
}

void StreamRecorder::stop()
{
    finish(QStringLiteral("stopped"));
}

bool StreamRecorder::checkResponse()
{
    if (m_streaming || m_done)
        return m_streaming;
    const QVariant status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (!status.isValid())
        return false; // no answer yet, or no HTTP answer at all: finished() tells
    if (status.toInt() >= 300 && status.toInt() < 400)
        return false; // the redirect is being followed
    const QString url = m_options.url.toDisplayString();
    if (status.toInt() != 200) {
        m_done = true;
        emit failed(
            QStringLiteral("%1 answered %2 %3, not a stream")
                .arg(url)
                .arg(status.toInt())
                .arg(m_reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString()));
        dropReply();
        return false;
    }
    const QByteArray type = m_reply->rawHeader("Content-Type");
    if (!type.trimmed().toLower().startsWith("text/event-stream")) {
        m_done = true;
        emit failed(QStringLiteral("%1 answered with Content-Type '%2', not text/event-stream")
                        .arg(url, QString::fromLatin1(type.left(100))));
        dropReply();
        return false;
    }
    m_streaming = true;
    m_sinceHead.start();
    m_lastStepMs = 0;
    if (m_options.maxDurationSeconds > 0)
        m_deadline.start(m_options.maxDurationSeconds * 1000);
    return true;
}

void StreamRecorder::onReadyRead()
{
    if (!checkResponse())
        return;
    if (!m_parser.feed(m_reply->readAll())) {
        finish(QStringLiteral("a line of the stream was longer than %1 MiB")
                   .arg(EventStreamParser::MaxLineBytes >> 20));
        return;
    }
    const auto addStep = [this](ScenarioStep step) {
        const qint64 nowMs = m_sinceHead.elapsed();
        step.delayMs = nowMs - std::exchange(m_lastStepMs, nowMs);
        m_scenario.steps.append(std::move(step));
        emit eventRecorded(m_scenario.eventCount());
    };
    if (const QString retry = m_parser.takeLoneRetry(); !retry.isEmpty()) {
        ScenarioStep step;
        step.event.retry = retry;
        addStep(step);
    }
    for (const EventStreamParser::Event &event : m_parser.takeEvents()) {
        std::optional<ScenarioStep> step = scenarioStepFor(event);
        if (!step)
            continue; // what a scenario cannot send
        addStep(*step);
        if (m_options.maxEvents > 0 && m_scenario.eventCount() >= m_options.maxEvents) {
            finish(QStringLiteral("%1 events were recorded").arg(m_options.maxEvents));
            return;
        }
    }
}

void StreamRecorder::onFinished()
{
    if (m_done)
        return;
    const QString url = m_options.url.toDisplayString();
    if (!m_streaming && !m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).isValid()) {
        m_done = true;
        emit failed(QStringLiteral("cannot reach %1: %2").arg(url, m_reply->errorString()));
        return;
    }
    if (!checkResponse()) {
        if (!m_done) { // an answer whose head could not be judged, such as a redirect loop
            m_done = true;
            emit failed(QStringLiteral("%1 did not answer with a stream").arg(url));
        }
        return;
    }
    onReadyRead();
    finish(QStringLiteral("the server ended the stream"));
}

void StreamRecorder::dropReply()
{
    if (!m_reply)
        return;
    m_reply->disconnect(this);
    // Not from inside the reply's own signal: Qt's reply may not be aborted from there.
    QMetaObject::invokeMethod(m_reply, &QNetworkReply::abort, Qt::QueuedConnection);
}

void StreamRecorder::finish(const QString &reason)
{
    if (m_done)
        return;
    m_done = true;
    m_deadline.stop();
    dropReply();
    qCInfo(lcServer).noquote() << "recording ended:" << reason;
    emit finished(m_scenario, reason);
}

} // namespace sse
