#pragma once

#include "servertypes.h"
#include "sseevent.h"

#include <QWidget>

#include <functional>

class QComboBox;
class QLabel;
class QListView;
class QPushButton;

namespace sse::ui {

class ElidingLabel;
class EventTemplatesModel;
class SendHistoryModel;

// The composer's memory: named templates (saved, loaded, deleted, imported and exported as a
// file) and the history of recent sends, which can be sent again.
class ComposerLibrary : public QWidget
{
    Q_OBJECT

public:
    // currentEvent gives the event the composer's fields describe, for "Save".
    ComposerLibrary(std::function<sse::SseEvent()> currentEvent, QWidget *parent = nullptr);

    EventTemplatesModel *templates() const { return m_templates; }
    SendHistoryModel *history() const { return m_history; }
    QString templateMessage() const;

    void saveTemplate();
    // Reads a templates file into the list; returns a sentence (shown inline too).
    QString importTemplates(const QString &path);
    QString exportTemplates(const QString &path);
    void chooseTemplatesToImport();
    void chooseTemplatesExportFile();

signals:
    void loadRequested(const sse::SseEvent &event);
    void resendRequested(const sse::SseEvent &event, const sse::PublishTarget &target);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();
    void showTemplateMessage(const QString &message, bool error);

    std::function<sse::SseEvent()> m_currentEvent;
    EventTemplatesModel *m_templates;
    SendHistoryModel *m_history;
    QComboBox *m_templateName;
    ElidingLabel *m_templateMessage;
    QListView *m_historyView;
    QPushButton *m_save;
    QPushButton *m_load;
    QPushButton *m_delete;
    QPushButton *m_resend;
    QLabel *m_templatesLabel;
    QLabel *m_recentLabel;
};

} // namespace sse::ui
