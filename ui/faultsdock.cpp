#include "faultsdock.h"

#include "models/faultsmodel.h"
#include "retranslate.h"
#include "sseevent.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace sse::ui {

namespace {

enum class Lifetime { OneShot, UntilRemoved, ForATime };

} // namespace

FaultsDock::FaultsDock(FaultsModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_table(new QTableView(this))
    , m_remove(new QPushButton(this))
    , m_removeAll(new QPushButton(this))
    , m_lifetimeTimer(new QTimer(this))
{
    m_table->setObjectName(QStringLiteral("faultsTable"));
    m_remove->setObjectName(QStringLiteral("removeFaultButton"));
    m_removeAll->setObjectName(QStringLiteral("removeAllFaultsButton"));
    m_table->setModel(model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setMinimumHeight(80);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_remove);
    buttons->addWidget(m_removeAll);
    buttons->addStretch(1);

    // The form and the chaos preset scroll, so the panel fits a small window.
    auto *lower = new QWidget;
    auto *lowerLayout = new QVBoxLayout(lower);
    lowerLayout->setContentsMargins(0, 0, 0, 0);
    lowerLayout->addWidget(buildForm());
    lowerLayout->addWidget(buildChaos());
    lowerLayout->addStretch(1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(lower);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table, 2);
    layout->addLayout(buttons);
    layout->addWidget(scroll, 3);

    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &FaultsDock::updateButtons);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &FaultsDock::updateButtons);
    connect(model, &QAbstractItemModel::rowsInserted, this, &FaultsDock::updateButtons);
    connect(model, &QAbstractItemModel::modelReset, this, &FaultsDock::updateButtons);
    connect(m_remove, &QPushButton::clicked, this, [this] {
        for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
            emit removeRequested(index.data(FaultsModel::FaultIdRole).toULongLong());
    });
    connect(m_removeAll, &QPushButton::clicked, this, &FaultsDock::removeAllRequested);
    connect(m_lifetimeTimer, &QTimer::timeout, this, [this] { m_model->refreshLifetimes(); });
    m_lifetimeTimer->start(1000);
    updateFormRows();
    updateButtons();
    retranslateUi();
}

void FaultsDock::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
}

void FaultsDock::retranslateUi()
{
    m_remove->setText(tr("Remove"));
    m_removeAll->setText(tr("Remove all"));
    m_formBox->setTitle(tr("Add a fault"));
    m_add->setText(tr("Add fault"));
    const std::pair<QWidget *, QString> labels[] = {{m_kind, tr("Kind:")},
                                                    {m_target, tr("Target:")},
                                                    {m_seconds, tr("Stall for:")},
                                                    {m_bytesPerSecond, tr("Rate:")},
                                                    {m_every, tr("Drop every Nth:")},
                                                    {m_variant, tr("Flaw:")},
                                                    {m_ms, tr("Milliseconds:")},
                                                    {m_status, tr("Status:")},
                                                    {m_retryAfter, tr("Retry-After:")},
                                                    {m_location, tr("Location:")},
                                                    {m_lifetime, tr("Lifetime:")}};
    for (const auto &[field, text] : labels)
        setRowLabel(m_form, field, text);
    // In the order of FaultKinds below.
    setItemTexts(m_kind,
                 {tr("close: FIN now"), tr("reset: RST now"), tr("cut mid-event"), tr("stall"),
                  tr("drip (throttle)"), tr("drop events"), tr("malformed event"), tr("send retry"),
                  tr("answer with a status"), tr("delay the response head")});
    setItemTexts(m_target, {tr("Client"), tr("Channel"), tr("New connections")});
    m_seconds->setSuffix(tr(" s"));
    m_retryAfter->setSuffix(tr(" s"));
    m_duration->setSuffix(tr(" s"));
    m_bytesPerSecond->setSuffix(tr(" B/s"));
    m_ms->setSuffix(tr(" ms"));
    m_retryAfter->setSpecialValueText(tr("none"));
    m_location->setPlaceholderText(tr("/events?channel=other or http://host/events"));
    setItemTexts(m_lifetime, {tr("One-shot"), tr("Until removed"), tr("For a time")});
    retranslateChaos();
}

void FaultsDock::retranslateChaos()
{
    m_chaosBox->setTitle(tr("Chaos"));
    m_chaosBox->setToolTip(tr("Random one-shot faults on random clients, for soak-testing a "
                              "client's recovery. It stops by itself after the limit, and with "
                              "the server."));
    m_chaosRate->setSuffix(tr(" a minute"));
    m_chaosLimit->setSuffix(tr(" faults"));
    const QStringList kinds{tr("close"),     tr("reset"), tr("cut"),
                            tr("malformed"), tr("stall"), tr("retry")};
    for (int index = 0; index < kinds.size(); ++index)
        m_chaosKinds.at(index).second->setText(kinds.at(index));
    auto *form = static_cast<QFormLayout *>(m_chaosBox->layout());
    setRowLabel(form, m_chaosRate, tr("Rate:"));
    setRowLabel(form, m_chaosLimit, tr("At most:"));
    setRowLabel(form, m_chaosKinds.constFirst().second, tr("Kinds:"));
    m_chaosButton->setText(m_chaosRunning ? tr("Stop chaos") : tr("Start chaos"));
    if (m_chaos)
        showChaosState(*m_chaos);
}

QWidget *FaultsDock::buildForm()
{
    m_formBox = new QGroupBox;
    m_form = new QFormLayout(m_formBox);
    QHBoxLayout *target = createKindAndTarget();
    createKindParameters();
    QHBoxLayout *lifetime = createLifetime();

    m_add = new QPushButton;
    m_add->setObjectName(QStringLiteral("addFaultButton"));
    m_error = new QLabel;
    m_error->setObjectName(QStringLiteral("faultError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c62828"));
    m_error->hide();

    // retranslateUi() gives the labels their words.
    m_form->addRow(new QLabel, m_kind);
    m_form->addRow(new QLabel, target);
    for (QWidget *field :
         std::initializer_list<QWidget *>{m_seconds, m_bytesPerSecond, m_every, m_variant, m_ms,
                                          m_status, m_retryAfter, m_location})
        m_form->addRow(new QLabel, field);
    m_form->addRow(new QLabel, lifetime);
    m_form->addRow(m_add, m_error);
    connectForm();
    return m_formBox;
}

QHBoxLayout *FaultsDock::createKindAndTarget()
{
    m_kind = new QComboBox;
    m_kind->setObjectName(QStringLiteral("faultKind"));
    // FaultKinds: retranslateUi() names them in this order.
    for (const FaultKind kind :
         {FaultKind::Close, FaultKind::Reset, FaultKind::CutMidEvent, FaultKind::Stall,
          FaultKind::Drip, FaultKind::DropEvents, FaultKind::Malformed, FaultKind::Retry,
          FaultKind::Status, FaultKind::DelayAccept})
        m_kind->addItem(QString(), int(kind));

    m_target = new QComboBox;
    m_target->setObjectName(QStringLiteral("faultTarget"));
    for (const char *target : {"client", "channel", "new-connections"})
        m_target->addItem(QString(), QString::fromLatin1(target));
    m_client = new QSpinBox;
    m_client->setObjectName(QStringLiteral("faultClient"));
    m_client->setRange(1, std::numeric_limits<int>::max());
    m_channel = new QLineEdit(sse::DefaultChannel);
    m_channel->setObjectName(QStringLiteral("faultChannel"));
    auto *target = new QHBoxLayout;
    target->addWidget(m_target);
    target->addWidget(m_client, 1);
    target->addWidget(m_channel, 1);
    return target;
}

void FaultsDock::createKindParameters()
{
    m_seconds = new QDoubleSpinBox;
    m_seconds->setRange(0.1, double(MaxStallMs) / 1000);
    m_seconds->setValue(5);
    m_bytesPerSecond = new QSpinBox;
    m_bytesPerSecond->setRange(1, 1000 * 1000 * 1000);
    m_bytesPerSecond->setValue(100);
    m_every = new QSpinBox;
    m_every->setRange(1, 1000000);
    m_every->setValue(2);
    m_variant = new QComboBox;
    for (const QString &name : malformedVariantNames())
        m_variant->addItem(name, name);
    m_ms = new QSpinBox;
    m_ms->setRange(0, MaxDelayAcceptMs);
    m_ms->setValue(3000);
    m_status = new QComboBox;
    m_status->setEditable(true);
    for (const char *status : {"204", "500", "502", "503", "429", "401", "301", "307"})
        m_status->addItem(QString::fromLatin1(status));
    m_status->setCurrentText(QStringLiteral("503"));
    m_retryAfter = new QSpinBox;
    m_retryAfter->setRange(-1, 86400);
    m_retryAfter->setValue(-1);
    m_location = new QLineEdit;
}

QHBoxLayout *FaultsDock::createLifetime()
{
    m_lifetime = new QComboBox;
    m_lifetime->setObjectName(QStringLiteral("faultLifetime"));
    for (const Lifetime lifetime : {Lifetime::OneShot, Lifetime::UntilRemoved, Lifetime::ForATime})
        m_lifetime->addItem(QString(), int(lifetime));
    m_duration = new QSpinBox;
    m_duration->setRange(1, MaxFaultDurationSeconds);
    m_duration->setValue(30);
    auto *lifetime = new QHBoxLayout;
    lifetime->addWidget(m_lifetime);
    lifetime->addWidget(m_duration, 1);
    return lifetime;
}

void FaultsDock::connectForm()
{
    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] {
        // Each kind starts from its own default lifetime.
        const auto kind = FaultKind(m_kind->currentData().toInt());
        m_lifetime->setCurrentIndex(
            int(isOneShotByDefault(kind) ? Lifetime::OneShot : Lifetime::UntilRemoved));
        updateFormRows();
    });
    connect(m_target, &QComboBox::currentIndexChanged, this, &FaultsDock::updateFormRows);
    connect(m_lifetime, &QComboBox::currentIndexChanged, this, &FaultsDock::updateFormRows);
    connect(m_status, &QComboBox::currentTextChanged, this, &FaultsDock::updateFormRows);
    connect(m_add, &QPushButton::clicked, this, &FaultsDock::addFault);
}

QWidget *FaultsDock::buildChaos()
{
    m_chaosBox = new QGroupBox;
    auto *form = new QFormLayout(m_chaosBox);
    m_chaosRate = new QSpinBox;
    m_chaosRate->setObjectName(QStringLiteral("chaosRate"));
    m_chaosRate->setRange(1, ChaosOptions::MaxFaultsPerMinute);
    m_chaosRate->setValue(6);
    m_chaosLimit = new QSpinBox;
    m_chaosLimit->setObjectName(QStringLiteral("chaosLimit"));
    m_chaosLimit->setRange(1, ChaosOptions::MaxTotalFaults);
    m_chaosLimit->setValue(50);
    auto *kinds = new QHBoxLayout;
    // retranslateChaos() names them in this order.
    for (const FaultKind kind : {FaultKind::Close, FaultKind::Reset, FaultKind::CutMidEvent,
                                 FaultKind::Malformed, FaultKind::Stall, FaultKind::Retry}) {
        auto *check = new QCheckBox;
        check->setChecked(ChaosOptions::defaultKinds().contains(kind));
        kinds->addWidget(check);
        m_chaosKinds.append({kind, check});
    }
    kinds->addStretch(1);
    m_chaosButton = new QPushButton;
    m_chaosButton->setObjectName(QStringLiteral("chaosButton"));
    m_chaosStatus = new QLabel;
    m_chaosStatus->setObjectName(QStringLiteral("chaosStatus"));
    form->addRow(new QLabel, m_chaosRate);
    form->addRow(new QLabel, m_chaosLimit);
    form->addRow(new QLabel, kinds);
    form->addRow(m_chaosButton, m_chaosStatus);
    connect(m_chaosButton, &QPushButton::clicked, this, [this] {
        if (m_chaosRunning) {
            emit chaosStopRequested();
            return;
        }
        const ChaosOptions options = chaosOptions();
        if (const QString problem = options.validate(); !problem.isEmpty()) {
            m_chaos.reset();
            m_chaosStatus->setText(problem);
            return;
        }
        emit chaosStartRequested(options);
    });
    return m_chaosBox;
}

ChaosOptions FaultsDock::chaosOptions() const
{
    ChaosOptions options;
    options.faultsPerMinute = m_chaosRate->value();
    options.maxFaults = m_chaosLimit->value();
    options.kinds.clear();
    for (const auto &[kind, check] : m_chaosKinds) {
        if (check->isChecked())
            options.kinds.append(kind);
    }
    return options;
}

void FaultsDock::updateFormRows()
{
    const QString kind = faultKindName(FaultKind(m_kind->currentData().toInt()));
    const bool admission = kind == u"status" || kind == u"delay-accept";
    if (admission)
        m_target->setCurrentIndex(2);
    m_target->setEnabled(!admission);
    const QString target = m_target->currentData().toString();
    m_client->setVisible(target == u"client");
    m_channel->setVisible(target == u"channel");
    m_form->setRowVisible(m_seconds, kind == u"stall");
    m_form->setRowVisible(m_bytesPerSecond, kind == u"drip");
    m_form->setRowVisible(m_every, kind == u"drop-events");
    m_form->setRowVisible(m_variant, kind == u"malformed");
    m_form->setRowVisible(m_ms, kind == u"retry" || kind == u"delay-accept");
    m_form->setRowVisible(m_status, kind == u"status");
    m_form->setRowVisible(m_retryAfter, kind == u"status");
    const int status = m_status->currentText().toInt();
    m_form->setRowVisible(m_location, kind == u"status" && status >= 300 && status < 400);
    m_duration->setVisible(m_lifetime->currentData().toInt() == int(Lifetime::ForATime));
}

std::variant<FaultSpec, QString> FaultsDock::formSpec() const
{
    const QString kind = faultKindName(FaultKind(m_kind->currentData().toInt()));
    QJsonObject object{{QStringLiteral("kind"), kind}};
    const QString target = m_target->currentData().toString();
    if (target == u"client")
        object.insert(QStringLiteral("client"), m_client->value());
    else if (target == u"channel")
        object.insert(QStringLiteral("channel"), m_channel->text().trimmed());
    else
        object.insert(QStringLiteral("scope"), QStringLiteral("new-connections"));
    if (kind == u"stall")
        object.insert(QStringLiteral("seconds"), m_seconds->value());
    else if (kind == u"drip")
        object.insert(QStringLiteral("bytesPerSecond"), m_bytesPerSecond->value());
    else if (kind == u"drop-events")
        object.insert(QStringLiteral("every"), m_every->value());
    else if (kind == u"malformed")
        object.insert(QStringLiteral("variant"), m_variant->currentData().toString());
    else if (kind == u"retry" || kind == u"delay-accept")
        object.insert(QStringLiteral("ms"), m_ms->value());
    if (kind == u"status") {
        bool ok = false;
        const int status = m_status->currentText().trimmed().toInt(&ok);
        object.insert(QStringLiteral("status"),
                      ok ? QJsonValue(status) : QJsonValue(m_status->currentText()));
        if (m_retryAfter->value() >= 0)
            object.insert(QStringLiteral("retryAfter"), m_retryAfter->value());
        if (status >= 300 && status < 400)
            object.insert(QStringLiteral("location"), m_location->text().trimmed());
    }
    switch (Lifetime(m_lifetime->currentData().toInt())) {
    case Lifetime::OneShot:
        object.insert(QStringLiteral("oneShot"), true);
        break;
    case Lifetime::UntilRemoved:
        object.insert(QStringLiteral("oneShot"), false);
        break;
    case Lifetime::ForATime:
        object.insert(QStringLiteral("durationSeconds"), m_duration->value());
        break;
    }
    return parseFaultSpec(object);
}

void FaultsDock::addFault()
{
    auto spec = formSpec();
    if (const auto *failure = std::get_if<QString>(&spec)) {
        showError(*failure);
        return;
    }
    m_error->hide();
    emit installRequested(std::get<FaultSpec>(spec));
}

void FaultsDock::showError(const QString &message)
{
    m_error->setText(message);
    m_error->show();
}

void FaultsDock::applySnapshot(const ServerSnapshot &snapshot)
{
    m_model->applySnapshot(snapshot);
    const ChaosState &chaos = snapshot.chaos;
    if (chaos.running != m_chaosRunning || chaos.running) {
        m_chaosRunning = chaos.running;
        m_chaosButton->setText(m_chaosRunning ? tr("Stop chaos") : tr("Start chaos"));
        showChaosState(chaos);
    }
}

void FaultsDock::showChaosState(const ChaosState &chaos)
{
    m_chaos = chaos;
    m_chaosStatus->setText(
        chaos.running
            ? tr("%1 of %2 faults so far").arg(chaos.faultsApplied).arg(chaos.options.maxFaults)
            : tr("stopped after %1 faults").arg(chaos.faultsApplied));
}

void FaultsDock::setServerRunning(bool running)
{
    m_running = running;
    if (!running) {
        m_model->clear();
        m_chaosRunning = false;
        m_chaosButton->setText(tr("Start chaos"));
    }
    updateButtons();
}

void FaultsDock::setSelectedClients(const QList<quint64> &clientIds)
{
    if (clientIds.size() != 1)
        return;
    m_client->setValue(
        int(std::min<quint64>(clientIds.constFirst(), quint64(m_client->maximum()))));
    m_target->setCurrentIndex(m_target->isEnabled() ? 0 : m_target->currentIndex());
}

void FaultsDock::updateButtons()
{
    const bool selected = m_table->selectionModel()->hasSelection();
    m_remove->setEnabled(m_running && selected);
    m_removeAll->setEnabled(m_running && m_model->rowCount() > 0);
    m_add->setEnabled(m_running);
    m_chaosButton->setEnabled(m_running);
}

} // namespace sse::ui
