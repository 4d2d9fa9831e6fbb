#include "composerlibrary.h"

#include "elidinglabel.h"
#include "models/eventtemplatesmodel.h"
#include "models/sendhistorymodel.h"

#include <QComboBox>
#include <QDir>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSaveFile>
#include <QVBoxLayout>

namespace sse::ui {

ComposerLibrary::ComposerLibrary(std::function<SseEvent()> currentEvent, QWidget *parent)
    : QWidget(parent)
    , m_currentEvent(std::move(currentEvent))
    , m_templates(new EventTemplatesModel(this))
    , m_history(new SendHistoryModel(this))
    , m_templateName(new QComboBox(this))
    , m_templateMessage(new ElidingLabel(this, true))
    , m_historyView(new QListView(this))
    , m_save(new QPushButton(this))
    , m_load(new QPushButton(this))
    , m_delete(new QPushButton(this))
    , m_resend(new QPushButton(this))
    , m_templatesLabel(new QLabel(this))
    , m_recentLabel(new QLabel(this))
{
    m_templateName->setObjectName(QStringLiteral("templateName"));
    m_templateName->setEditable(true);
    m_templateName->setInsertPolicy(QComboBox::NoInsert);
    m_templateName->setModel(m_templates);
    m_templateName->setCurrentIndex(-1);
    m_templateMessage->setObjectName(QStringLiteral("templateMessage"));
    m_save->setObjectName(QStringLiteral("saveTemplate"));
    m_load->setObjectName(QStringLiteral("loadTemplate"));
    m_delete->setObjectName(QStringLiteral("deleteTemplate"));

    m_historyView->setObjectName(QStringLiteral("sendHistory"));
    m_historyView->setModel(m_history);
    m_historyView->setUniformItemSizes(true);
    m_historyView->setMinimumHeight(m_historyView->fontMetrics().height() * 4);
    m_resend->setObjectName(QStringLiteral("resendButton"));

    auto *templateRow = new QHBoxLayout;
    templateRow->addWidget(m_templatesLabel);
    templateRow->addWidget(m_templateName, 1);
    templateRow->addWidget(m_save);
    templateRow->addWidget(m_load);
    templateRow->addWidget(m_delete);
    auto *historyRow = new QHBoxLayout;
    historyRow->addWidget(m_recentLabel);
    historyRow->addStretch(1);
    historyRow->addWidget(m_resend);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(templateRow);
    layout->addWidget(m_templateMessage);
    layout->addLayout(historyRow);
    layout->addWidget(m_historyView, 1);

    connect(m_save, &QPushButton::clicked, this, &ComposerLibrary::saveTemplate);
    connect(m_templateName->lineEdit(), &QLineEdit::textEdited, this,
            [this] { showTemplateMessage({}, false); });
    connect(m_load, &QPushButton::clicked, this, [this] {
        const QString name = m_templateName->currentText().trimmed();
        const int row = m_templates->rowOfName(name);
        if (row < 0) {
            showTemplateMessage(name.isEmpty() ? tr("Choose a template to load.")
                                               : tr("No template is named \"%1\".").arg(name),
                                true);
            return;
        }
        showTemplateMessage({}, false);
        emit loadRequested(m_templates->templateAt(row).event);
    });
    connect(m_delete, &QPushButton::clicked, this, [this] {
        const int row = m_templates->rowOfName(m_templateName->currentText().trimmed());
        if (row < 0)
            return;
        m_templates->removeTemplate(row);
        m_templateName->setCurrentIndex(-1);
    });
    const auto resendCurrent = [this] {
        const QModelIndex index = m_historyView->currentIndex();
        if (!index.isValid())
            return;
        const SendHistoryModel::Entry entry = m_history->entry(index.row());
        emit resendRequested(entry.event, entry.target);
    };
    connect(m_resend, &QPushButton::clicked, this, resendCurrent);
    connect(m_historyView, &QListView::doubleClicked, this, resendCurrent);
    retranslateUi();
}

void ComposerLibrary::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
}

void ComposerLibrary::retranslateUi()
{
    m_templateName->lineEdit()->setPlaceholderText(tr("template name"));
    m_save->setText(tr("Save"));
    m_load->setText(tr("Load"));
    m_delete->setText(tr("Delete"));
    m_resend->setText(tr("Resend"));
    m_templatesLabel->setText(tr("Templates:"));
    m_recentLabel->setText(tr("Recent sends:"));
}

void ComposerLibrary::showTemplateMessage(const QString &message, bool error)
{
    m_templateMessage->setStyleSheet(error ? QStringLiteral("QLabel { color: #d33; }") : QString());
    m_templateMessage->setFullText(message);
}

QString ComposerLibrary::templateMessage() const
{
    return m_templateMessage->fullText();
}

void ComposerLibrary::saveTemplate()
{
    const QString name = m_templateName->currentText().trimmed();
    if (name.isEmpty()) {
        showTemplateMessage(tr("Type a name for the template first."), true);
        m_templateName->setFocus();
        return;
    }
    m_templateName->setCurrentIndex(m_templates->saveTemplate(name, m_currentEvent()));
    showTemplateMessage(tr("Saved \"%1\".").arg(name), false);
}

QString ComposerLibrary::importTemplates(const QString &path)
{
    QFile file(path);
    QString message;
    int imported = 0;
    if (!file.open(QIODevice::ReadOnly)) {
        message = tr("Could not read %1: %2").arg(path, file.errorString());
    } else if (const QString error = m_templates->importJson(file.readAll(), &imported);
               !error.isEmpty()) {
        message = tr("%1: %2").arg(QDir::toNativeSeparators(path), error);
    } else {
        showTemplateMessage(tr("Imported %n template(s).", nullptr, imported), false);
        return {};
    }
    showTemplateMessage(message, true);
    return message;
}

QString ComposerLibrary::exportTemplates(const QString &path)
{
    const QByteArray bytes = m_templates->toJson();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        const QString message = tr("Could not write %1: %2").arg(path, file.errorString());
        showTemplateMessage(message, true);
        return message;
    }
    showTemplateMessage(tr("Saved %n template(s) to %1.", nullptr, m_templates->rowCount())
                            .arg(QDir::toNativeSeparators(path)),
                        false);
    return {};
}

void ComposerLibrary::chooseTemplatesToImport()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Import templates"),
                                                      QDir::homePath(), tr("Templates (*.json)"));
    if (!path.isEmpty())
        importTemplates(path);
}

void ComposerLibrary::chooseTemplatesExportFile()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export templates"), QDir::home().filePath(QStringLiteral("sse-templates.json")),
        tr("Templates (*.json)"));
    if (!path.isEmpty())
        exportTemplates(path);
}

} // namespace sse::ui
