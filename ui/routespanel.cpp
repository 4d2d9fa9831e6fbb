#include "routespanel.h"

#include "models/routesmodel.h"
#include "scenariodock.h"
#include "servercontroller.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <utility>

namespace sse::ui {

namespace {

// The route a template suggests: the LLM stream where OpenAI's SDKs post, the others on a
// GET path named after the file, so a browser's EventSource can open them.
RoutesModel::Route suggestedRoute(const QString &resource)
{
    if (resource.endsWith(QStringLiteral("openai-chat.jsonl")))
        return {QStringLiteral("POST"), QStringLiteral("/v1/chat/completions"), resource};
    return {QStringLiteral("GET"), u'/' + QFileInfo(resource).completeBaseName(), resource};
}

} // namespace

RoutesPanel::RoutesPanel(ServerController *controller, QWidget *parent)
    : QWidget(parent)
    , m_controller(controller)
    , m_model(new RoutesModel(this))
    , m_table(new QTableView(this))
{
    m_table->setObjectName(QStringLiteral("routesTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    // Narrow enough for the URL to show in a narrow dock; the tooltips have the whole text.
    m_table->setColumnWidth(RoutesModel::MethodColumn, 60);
    m_table->setColumnWidth(RoutesModel::PathColumn, 130);
    m_table->setColumnWidth(RoutesModel::FileColumn, 120);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &RoutesPanel::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &RoutesPanel::updateButtons);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &RoutesPanel::updateButtons);

    m_remove = new QPushButton(this);
    m_copyUrl = new QPushButton(this);
    m_apply = new QPushButton(this);
    m_apply->setObjectName(QStringLiteral("applyRoutesButton"));
    connect(m_remove, &QPushButton::clicked, this, &RoutesPanel::removeSelected);
    connect(m_copyUrl, &QPushButton::clicked, this, &RoutesPanel::copySelectedUrl);
    connect(m_apply, &QPushButton::clicked, this, &RoutesPanel::apply);
    // A whole line of its own: the server's refusals name the spec, the file and the line.
    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);

    connect(m_controller, &ServerController::started, this, [this](const QString &url) {
        m_model->setServerUrl(url);
        updateButtons();
    });
    connect(m_controller, &ServerController::stopped, this, [this] {
        m_model->setServerUrl({});
        updateButtons();
    });
    m_model->setServerUrl(m_controller->isRunning() ? m_controller->url() : QString());
    connect(m_controller, &ServerController::routesApplied, this, [this](const QString &error) {
        if (!m_awaitingApply)
            return; // not an answer to this panel
        m_awaitingApply = false;
        const QStringList applied = std::exchange(m_applying, {});
        if (!error.isEmpty()) {
            showMessage(error, true);
            return;
        }
        emit routesChanged(applied);
        showMessage(tr("%n route(s) bound", nullptr, int(applied.size())), false);
    });

    auto *actions = new QHBoxLayout;
    actions->addStretch();
    actions->addWidget(m_remove);
    actions->addWidget(m_copyUrl);
    actions->addWidget(m_apply);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addWidget(m_table, 1);
    layout->addWidget(buildForm());
    layout->addWidget(m_message);
    layout->addLayout(actions);
    updateButtons();
    retranslateUi();
}

void RoutesPanel::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
}

void RoutesPanel::retranslateUi()
{
    m_remove->setText(tr("Remove"));
    m_copyUrl->setText(tr("Copy URL"));
    m_apply->setText(tr("Apply routes"));
    m_apply->setToolTip(tr("Bind these routes on the running server and keep them for the "
                           "next start"));
    m_path->setToolTip(tr("The path the route answers on"));
    m_file->setPlaceholderText(tr("Scenario file (.jsonl)"));
    m_browse->setText(tr("Browse…"));
    m_template->setText(tr("Template"));
    m_template->setToolTip(tr("Fill in a route playing a built-in template"));
    const QList<QPair<QString, QString>> titles = ScenarioDock::templates();
    const QList<QAction *> templateActions = m_template->menu()->actions();
    for (int index = 0; index < titles.size(); ++index)
        templateActions.at(index)->setText(titles.at(index).second);
    m_add->setText(tr("Add route"));
}

QWidget *RoutesPanel::buildForm()
{
    auto *form = new QWidget(this);
    m_method = new QComboBox(form);
    m_method->addItems(RoutesModel::methods());
    m_method->setCurrentText(QStringLiteral("GET"));
    m_path = new QLineEdit(form);
    m_path->setObjectName(QStringLiteral("routePath"));
    m_path->setPlaceholderText(QStringLiteral("/v1/chat/completions"));
    m_file = new QLineEdit(form);
    m_file->setObjectName(QStringLiteral("routeFile"));
    m_browse = new QPushButton(form);
    connect(m_browse, &QPushButton::clicked, this, &RoutesPanel::chooseFile);
    m_template = new QToolButton(form);
    m_template->setPopupMode(QToolButton::InstantPopup);
    auto *templateMenu = new QMenu(m_template);
    for (const auto &[resource, title] : ScenarioDock::templates()) {
        templateMenu->addAction(title, this, [this, resource = resource] {
            const RoutesModel::Route route = suggestedRoute(resource);
            m_method->setCurrentText(route.method);
            m_path->setText(route.path);
            m_file->setText(route.file);
        });
    }
    m_template->setMenu(templateMenu);
    m_add = new QPushButton(form);
    connect(m_add, &QPushButton::clicked, this, [this] {
        if (addRoute(m_method->currentText(), m_path->text().trimmed(), m_file->text())) {
            m_path->clear();
            m_file->clear();
        }
    });
    connect(m_path, &QLineEdit::returnPressed, m_add, &QPushButton::click);
    connect(m_file, &QLineEdit::returnPressed, m_add, &QPushButton::click);

    auto *grid = new QGridLayout(form);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(m_method, 0, 0);
    grid->addWidget(m_path, 0, 1);
    grid->addWidget(m_add, 0, 2, 1, 2);
    grid->addWidget(m_file, 1, 0, 1, 2);
    grid->addWidget(m_browse, 1, 2);
    grid->addWidget(m_template, 1, 3);
    grid->setColumnStretch(1, 1);
    return form;
}

QStringList RoutesPanel::routeSpecs() const
{
    return m_model->specs();
}

void RoutesPanel::setRouteSpecs(const QStringList &specs)
{
    m_model->setSpecs(specs);
}

bool RoutesPanel::addRoute(const QString &method, const QString &path, const QString &file)
{
    const QString problem = m_model->addRoute({method, path, file});
    if (!problem.isEmpty()) {
        showMessage(problem, true);
        return false;
    }
    showMessage(tr("Added; Apply binds it"), false);
    return true;
}

void RoutesPanel::removeSelected()
{
    QList<int> rows;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        rows.append(index.row());
    m_model->removeRoutes(rows);
    if (!rows.isEmpty())
        showMessage(tr("Removed; Apply unbinds it"), false);
}

void RoutesPanel::copySelectedUrl()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    const QString url = rows.isEmpty() ? QString() : m_model->url(rows.first().row());
    if (url.isEmpty())
        return;
    QApplication::clipboard()->setText(url);
    showMessage(tr("Copied %1").arg(url), false);
}

void RoutesPanel::apply()
{
    const QStringList specs = routeSpecs();
    if (!m_controller->isRunning()) {
        // Kept for the next start, which reads and checks the files.
        emit routesChanged(specs);
        showMessage(tr("Saved; the routes are bound when the server starts"), false);
        return;
    }
    // An empty list is applied too: it unbinds every route.
    m_awaitingApply = true;
    m_applying = specs;
    showMessage(tr("Applying…"), false);
    m_controller->setRoutes(specs);
}

QString RoutesPanel::message() const
{
    return m_message->text();
}

void RoutesPanel::chooseFile()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Scenario for the route"), QString(),
                                     tr("Scenarios (*.jsonl *.ndjson);;All files (*)"));
    if (!path.isEmpty())
        m_file->setText(path);
}

void RoutesPanel::showMessage(const QString &text, bool error)
{
    m_message->setText(text);
    // Errors in the composer's red; notices in the normal text colour.
    m_message->setStyleSheet(error ? QStringLiteral("QLabel { color: #d33; }") : QString());
}

void RoutesPanel::updateButtons()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    m_remove->setEnabled(!rows.isEmpty());
    m_copyUrl->setEnabled(!rows.isEmpty() && !m_model->url(rows.first().row()).isEmpty());
}

} // namespace sse::ui
