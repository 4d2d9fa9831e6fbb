<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>sse::TrafficLog</name>
    <message>
        <source>connection refused: %1</source>
        <translation>连接被拒绝：%1</translation>
    </message>
    <message>
        <source>stream refused, told to retry: %1</source>
        <translation>流被拒绝，已告知稍后重试：%1</translation>
    </message>
    <message>
        <source>channel %1</source>
        <translation>频道 %1</translation>
    </message>
    <message>
        <source>all channels</source>
        <translation>所有频道</translation>
    </message>
    <message>
        <source>every stream</source>
        <translation>所有流</translation>
    </message>
    <message>
        <source>selected clients</source>
        <translation>所选客户端</translation>
    </message>
    <message>
        <source>control listeners</source>
        <translation>控制事件监听者</translation>
    </message>
    <message>
        <source>server stopped</source>
        <translation>服务器已停止</translation>
    </message>
    <message>
        <source>→ %1 (%2): %3</source>
        <translation>→ %1（%2）：%3</translation>
    </message>
    <message>
        <source>cut mid-event by a fault</source>
        <translation>被故障在事件中途切断</translation>
    </message>
    <message>
        <source>comment → %1: %2</source>
        <translation>注释 → %1：%2</translation>
    </message>
    <message>
        <source>dropped as a slow consumer: %1</source>
        <translation>作为慢速客户端被断开：%1</translation>
    </message>
    <message>
        <source>disconnected by the operator</source>
        <translation>被操作员断开</translation>
    </message>
    <message>
        <source>reached the end of its scenario</source>
        <translation>已播放到场景结尾</translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation>已断开</translation>
    </message>
    <message>
        <source>client %1 %2 (%3 events, %4 bytes sent)</source>
        <translation>客户端 %1 %2（已发送 %3 个事件，%4 字节）</translation>
    </message>
    <message>
        <source>client %1 connected from %2 to %3%4</source>
        <translation>客户端 %1 从 %2 连接到 %3%4</translation>
    </message>
    <message>
        <source>route %1</source>
        <translation>路由 %1</translation>
    </message>
    <message>
        <source> (Last-Event-ID %1)</source>
        <translation>（Last-Event-ID %1）</translation>
    </message>
    <message>
        <source>replay of %1 kept event(s) from id %2 → client %3</source>
        <translation>重放自 ID %2 起保留的 %1 个事件 → 客户端 %3</translation>
    </message>
    <message>
        <source>reset by fault #%1</source>
        <translation>被故障 #%1 重置</translation>
    </message>
    <message>
        <source>closed by fault #%1</source>
        <translation>被故障 #%1 关闭</translation>
    </message>
    <message>
        <source>history gap (%1) after id %2: events the event log accepted may be lost; told %3 streams</source>
        <translation>历史缺口（%1），位于 ID %2 之后：事件日志已接受的事件可能丢失；已通知 %3 个流</translation>
    </message>
    <message>
        <source>history cleared; ids go on</source>
        <translation>历史已清空；ID 继续递增</translation>
    </message>
    <message>
        <source>history cleared; ids go on from %1</source>
        <translation>历史已清空；ID 从 %1 继续</translation>
    </message>
    <message>
        <source>event log on %1 is back: publishing resumes</source>
        <translation>%1 上的事件日志已恢复：发布继续</translation>
    </message>
    <message>
        <source>event log unavailable: %1: %2; publishing answers 503 while it reconnects</source>
        <translation>事件日志不可用：%1：%2；重连期间发布请求返回 503</translation>
    </message>
    <message>
        <source>server started on %1</source>
        <translation>服务器已在 %1 启动</translation>
    </message>
    <message>
        <source>%1 %2 from %3</source>
        <translation>%1 %2，来自 %3</translation>
    </message>
    <message numerus="yes">
        <source>events go out through io_uring, %n ring(s) (--io %1)</source>
        <translation>
            <numerusform>事件经 io_uring 发出，共 %n 个环（--io %1）</numerusform>
        </translation>
    </message>
    <message>
        <source>events go out with one send() per stream (--io epoll)</source>
        <translation>事件以每个流一次 send() 的方式发出（--io epoll）</translation>
    </message>
    <message>
        <source>events go out with one send() per stream: io_uring refused (%1)</source>
        <translation>事件以每个流一次 send() 的方式发出：io_uring 被拒绝（%1）</translation>
    </message>
    <message>
        <source>disconnected with its connection by the operator</source>
        <translation>与其连接一起被操作员断开</translation>
    </message>
    <message>
        <source>%1 %2 from %3 over HTTP/2</source>
        <translation>%1 %2，来自 %3，经 HTTP/2</translation>
    </message>
</context>
<context>
    <name>sse::ui::ChartsView</name>
    <message>
        <source>Events per second</source>
        <translation>每秒事件数</translation>
    </message>
    <message>
        <source>Connected clients</source>
        <translation>已连接客户端</translation>
    </message>
</context>
<context>
    <name>sse::ui::ClientsModel</name>
    <message>
        <source>%1 of %2 bytes queued before the client is dropped as slow</source>
        <translation>已排队 %1 字节；达到 %2 字节时，该客户端将作为慢速客户端被断开</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Remote address</source>
        <translation>远程地址</translation>
    </message>
    <message>
        <source>Browser</source>
        <translation>浏览器</translation>
    </message>
    <message>
        <source>OS</source>
        <translation>操作系统</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>频道</translation>
    </message>
    <message>
        <source>Connected for</source>
        <translation>连接时长</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>事件数</translation>
    </message>
    <message>
        <source>Bytes sent</source>
        <translation>已发送字节</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>排队字节</translation>
    </message>
    <message>
        <source>Last event id</source>
        <translation>最后事件 ID</translation>
    </message>
    <message>
        <source>Client %1</source>
        <translation>客户端 %1</translation>
    </message>
    <message>
        <source>Remote address: %1</source>
        <translation>远程地址：%1</translation>
    </message>
    <message>
        <source>User agent: %1</source>
        <translation>User-Agent：%1</translation>
    </message>
    <message>
        <source>Browser: %1, OS: %2</source>
        <translation>浏览器：%1，操作系统：%2</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Channels: %1</source>
        <translation>频道：%1</translation>
    </message>
    <message>
        <source>Connected since: %1</source>
        <translation>连接时间：%1</translation>
    </message>
    <message>
        <source>Events sent: %1, bytes sent: %2, queued bytes: %3</source>
        <translation>已发送事件：%1，已发送字节：%2，排队字节：%3</translation>
    </message>
    <message>
        <source>Last event id: %1</source>
        <translation>最后事件 ID：%1</translation>
    </message>
    <message>
        <source>route %1</source>
        <translation>路由 %1</translation>
    </message>
    <message>
        <source>Scenario route: %1</source>
        <translation>场景路由：%1</translation>
    </message>
    <message>
        <source>Faults</source>
        <translation>故障</translation>
    </message>
    <message>
        <source>This browser holds %1 streams to this server, the most a browser opens over HTTP/1.1 to one address: a further tab waits until one of them closes. HTTP/2, which comes with HTTPS, lifts the limit.
%2</source>
        <translation>此浏览器已与本服务器建立 %1 个流，这是浏览器通过 HTTP/1.1 对同一地址打开的上限：再开的标签页会一直等待，直到其中一个关闭。HTTP/2（随 HTTPS 提供）可解除此限制。
%2</translation>
    </message>
    <message numerus="yes">
        <source>%n browser(s) hold %1 streams to this server, the most a browser opens over HTTP/1.1 to one address: another tab there waits, silently, until one of them closes. HTTP/2, which comes with HTTPS, lifts the limit.</source>
        <translation>
            <numerusform>%n 个浏览器已与本服务器建立 %1 个流，这是浏览器通过 HTTP/1.1 对同一地址打开的上限：该浏览器再开的标签页会静默等待，直到其中一个关闭。HTTP/2（随 HTTPS 提供）可解除此限制。</numerusform>
        </translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>协议</translation>
    </message>
    <message>
        <source>%1 · connection %2</source>
        <translation>%1 · 连接 %2</translation>
    </message>
</context>
<context>
    <name>sse::ui::ClientsView</name>
    <message>
        <source>Disconnect</source>
        <translation>断开连接</translation>
    </message>
    <message>
        <source>Send to this client…</source>
        <translation>发送给此客户端…</translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation>复制详细信息</translation>
    </message>
    <message>
        <source>Filter by address, browser, OS, channel…</source>
        <translation>按地址、浏览器、操作系统、频道筛选…</translation>
    </message>
    <message>
        <source>Send to these clients…</source>
        <translation>发送给这些客户端…</translation>
    </message>
    <message>
        <source>Break this stream</source>
        <translation>破坏此连接</translation>
    </message>
    <message>
        <source>Close (FIN)</source>
        <translation>关闭（FIN）</translation>
    </message>
    <message>
        <source>Reset (RST)</source>
        <translation>重置（RST）</translation>
    </message>
    <message>
        <source>Cut the next event in half</source>
        <translation>将下一个事件截断一半</translation>
    </message>
    <message>
        <source>Stall for 5 s</source>
        <translation>停滞 5 秒</translation>
    </message>
    <message>
        <source>Send retry: 10000</source>
        <translation>发送 retry: 10000</translation>
    </message>
    <message>
        <source>Malform the next event</source>
        <translation>使下一个事件格式错误</translation>
    </message>
    <message>
        <source>CR-only line endings</source>
        <translation>仅使用 CR 换行</translation>
    </message>
    <message>
        <source>A byte-order mark before it</source>
        <translation>在其前面加字节顺序标记（BOM）</translation>
    </message>
    <message>
        <source>A lone CR inside the data</source>
        <translation>在数据中插入单独的 CR</translation>
    </message>
    <message>
        <source>Invalid UTF-8</source>
        <translation>无效的 UTF-8</translation>
    </message>
    <message>
        <source>A field with no colon</source>
        <translation>没有冒号的字段</translation>
    </message>
    <message>
        <source>Disconnect the whole connection</source>
        <translation>断开整个连接</translation>
    </message>
</context>
<context>
    <name>sse::ui::ClusterClientsModel</name>
    <message>
        <source>This instance, at %1</source>
        <translation>本实例，位于 %1</translation>
    </message>
    <message>
        <source>At %1</source>
        <translation>位于 %1</translation>
    </message>
    <message>
        <source>route %1</source>
        <translation>路由 %1</translation>
    </message>
    <message>
        <source>Instance</source>
        <translation>实例</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>Remote address</source>
        <translation>远程地址</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>频道</translation>
    </message>
    <message>
        <source>Connected since</source>
        <translation>连接时间</translation>
    </message>
    <message>
        <source>Events sent</source>
        <translation>已发送事件</translation>
    </message>
</context>
<context>
    <name>sse::ui::ClusterDock</name>
    <message>
        <source>This instance runs alone. Set a Redis URL in Settings to share channels with other instances (docs/scaling.md).</source>
        <translation>本实例独立运行。在“设置”中填写 Redis URL，即可与其他实例共享频道（见 docs/scaling.md）。</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>断开连接</translation>
    </message>
    <message>
        <source>Disconnect the selected clients, whichever instance they are connected to</source>
        <translation>断开所选客户端，无论它们连接在哪个实例上</translation>
    </message>
    <message>
        <source>Asked instance %1 to disconnect client %2</source>
        <translation>已请求实例 %1 断开客户端 %2</translation>
    </message>
    <message numerus="yes">
        <source>Asked for %n client(s) to be disconnected</source>
        <translation>
            <numerusform>已请求断开 %n 个客户端</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>sse::ui::ClusterInstancesModel</name>
    <message>
        <source>this instance</source>
        <translation>本实例</translation>
    </message>
    <message>
        <source>Instance</source>
        <translation>实例</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>Events/s</source>
        <translation>事件/秒</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>启动时间</translation>
    </message>
    <message>
        <source>This one</source>
        <translation>本实例</translation>
    </message>
</context>
<context>
    <name>sse::ui::ComposerLibrary</name>
    <message>
        <source>template name</source>
        <translation>模板名称</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>加载</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Resend</source>
        <translation>重新发送</translation>
    </message>
    <message>
        <source>Templates:</source>
        <translation>模板：</translation>
    </message>
    <message>
        <source>Recent sends:</source>
        <translation>最近发送：</translation>
    </message>
    <message>
        <source>Choose a template to load.</source>
        <translation>请选择要加载的模板。</translation>
    </message>
    <message>
        <source>No template is named &quot;%1&quot;.</source>
        <translation>没有名为“%1”的模板。</translation>
    </message>
    <message>
        <source>Type a name for the template first.</source>
        <translation>请先输入模板名称。</translation>
    </message>
    <message>
        <source>Saved &quot;%1&quot;.</source>
        <translation>已保存“%1”。</translation>
    </message>
    <message>
        <source>Could not read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message numerus="yes">
        <source>Imported %n template(s).</source>
        <translation>
            <numerusform>已导入 %n 个模板。</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message numerus="yes">
        <source>Saved %n template(s) to %1.</source>
        <translation>
            <numerusform>已将 %n 个模板保存到 %1。</numerusform>
        </translation>
    </message>
    <message>
        <source>Import templates</source>
        <translation>导入模板</translation>
    </message>
    <message>
        <source>Templates (*.json)</source>
        <translation>模板 (*.json)</translation>
    </message>
    <message>
        <source>Export templates</source>
        <translation>导出模板</translation>
    </message>
</context>
<context>
    <name>sse::ui::ComposerWidget</name>
    <message>
        <source>The event type; EventSource&apos;s onmessage sees only &quot;message&quot;</source>
        <translation>事件类型；EventSource 的 onmessage 只会收到类型为 &quot;message&quot; 的事件</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Let the server assign the next integer id</source>
        <translation>由服务器分配下一个整数 ID</translation>
    </message>
    <message>
        <source>assigned by the server</source>
        <translation>由服务器分配</translation>
    </message>
    <message>
        <source>Data; each line becomes a data: line</source>
        <translation>事件数据；每一行生成一个 data: 行</translation>
    </message>
    <message>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <source>Pretty</source>
        <translation>美化</translation>
    </message>
    <message>
        <source>Compact</source>
        <translation>压缩</translation>
    </message>
    <message>
        <source>none (ms)</source>
        <translation>无（ms）</translation>
    </message>
    <message>
        <source>Subscribers of the channel</source>
        <translation>该频道的订阅者</translation>
    </message>
    <message>
        <source>Selected clients (none)</source>
        <translation>所选客户端（无）</translation>
    </message>
    <message>
        <source>Send (Ctrl+Enter)</source>
        <translation>发送（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>Copy as curl</source>
        <translation>复制为 curl 命令</translation>
    </message>
    <message>
        <source>Copy a curl command that publishes this event over HTTP</source>
        <translation>复制一条通过 HTTP 发布此事件的 curl 命令</translation>
    </message>
    <message>
        <source>Repeat every</source>
        <translation>重复发送，间隔</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> ms</translation>
    </message>
    <message>
        <source>comment text</source>
        <translation>注释文本</translation>
    </message>
    <message>
        <source>Send comment now</source>
        <translation>立即发送注释</translation>
    </message>
    <message>
        <source>Event type:</source>
        <translation>事件类型：</translation>
    </message>
    <message>
        <source>Id:</source>
        <translation>ID：</translation>
    </message>
    <message>
        <source>Data:</source>
        <translation>数据：</translation>
    </message>
    <message>
        <source>Retry:</source>
        <translation>重连间隔：</translation>
    </message>
    <message>
        <source>Channel:</source>
        <translation>频道：</translation>
    </message>
    <message>
        <source>Send to:</source>
        <translation>发送给：</translation>
    </message>
    <message>
        <source>On the wire:</source>
        <translation>实际报文：</translation>
    </message>
    <message>
        <source>Comment:</source>
        <translation>注释：</translation>
    </message>
    <message>
        <source>No client is selected in the clients table</source>
        <translation>客户端表格中未选中任何客户端</translation>
    </message>
    <message>
        <source>field &apos;data&apos;: not valid JSON: %1 at offset %2</source>
        <translation>字段 &apos;data&apos;：不是有效的 JSON：%1（偏移量 %2）</translation>
    </message>
    <message>
        <source>Selected clients (%1)</source>
        <translation>所选客户端（%1）</translation>
    </message>
    <message>
        <source>Send the event (Ctrl+Enter)</source>
        <translation>发送事件（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>Empty data: browsers dispatch nothing for this event.</source>
        <translation>数据为空：浏览器不会派发此事件。</translation>
    </message>
    <message>
        <source>The server assigns the id when it sends the event.</source>
        <translation>服务器会在发送事件时分配 ID。</translation>
    </message>
    <message>
        <source>The server assigns the id; %1 is the next one.</source>
        <translation>由服务器分配 ID；下一个 ID 为 %1。</translation>
    </message>
    <message>
        <source>(fix the fields marked in red)</source>
        <translation>（请修正标红的字段）</translation>
    </message>
    <message>
        <source>Not sent: %1</source>
        <translation>未发送：%1</translation>
    </message>
    <message>
        <source>Not sent: the server is stopped. Start it with Server → Start.</source>
        <translation>未发送：服务器已停止。请通过“服务器 → 启动”启动服务器。</translation>
    </message>
    <message>
        <source>Comment not sent: the server is stopped.</source>
        <translation>注释未发送：服务器已停止。</translation>
    </message>
    <message>
        <source>The server refused the event: %1</source>
        <translation>服务器拒绝了该事件：%1</translation>
    </message>
    <message>
        <source>The channel whose subscribers get the event</source>
        <translation>接收该事件的订阅者所在的频道</translation>
    </message>
    <message>
        <source>Not used: &quot;All subscribers&quot; reaches every subscriber whatever its channels</source>
        <translation>未使用：“所有订阅者”会发送给每个订阅者，无论其频道</translation>
    </message>
    <message>
        <source>Not used: the selected clients get the event whatever their channels</source>
        <translation>未使用：选中的客户端无论其频道都会收到该事件</translation>
    </message>
    <message numerus="yes">
        <source>Sent event %1 to all %n subscriber(s), every channel</source>
        <translation>
            <numerusform>已将事件 %1 发送给全部 %n 个订阅者（所有频道）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Sent event %1 to %n subscriber(s) of %2</source>
        <translation>
            <numerusform>已将事件 %1 发送给频道 %2 的 %n 个订阅者</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Sent event %1 to %n of %2 selected client(s)</source>
        <translation>
            <numerusform>已将事件 %1 发送给 %2 个选中客户端中的 %n 个</numerusform>
        </translation>
    </message>
    <message>
        <source>All subscribers, every channel</source>
        <translation>所有订阅者（所有频道）</translation>
    </message>
</context>
<context>
    <name>sse::ui::EventTemplatesModel</name>
    <message>
        <source>not valid JSON: %1 at offset %2</source>
        <translation>不是有效的 JSON：%1（偏移量 %2）</translation>
    </message>
    <message>
        <source>no &quot;templates&quot; array at the top level</source>
        <translation>顶层没有 &quot;templates&quot; 数组</translation>
    </message>
    <message>
        <source>template %1: field &apos;name&apos; is missing or empty</source>
        <translation>模板 %1：字段 &apos;name&apos; 缺失或为空</translation>
    </message>
    <message>
        <source>template %1 (&quot;%2&quot;): field &apos;%3&apos; must be a string</source>
        <translation>模板 %1（“%2”）：字段 &apos;%3&apos; 必须是字符串</translation>
    </message>
    <message>
        <source>template %1 (&quot;%2&quot;): %3</source>
        <translation>模板 %1（“%2”）：%3</translation>
    </message>
</context>
<context>
    <name>sse::ui::FaultsDock</name>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Remove all</source>
        <translation>全部移除</translation>
    </message>
    <message>
        <source>Add a fault</source>
        <translation>添加故障</translation>
    </message>
    <message>
        <source>close: FIN now</source>
        <translation>close：立即发送 FIN</translation>
    </message>
    <message>
        <source>reset: RST now</source>
        <translation>reset：立即发送 RST</translation>
    </message>
    <message>
        <source>cut mid-event</source>
        <translation>在事件中途截断</translation>
    </message>
    <message>
        <source>stall</source>
        <translation>停滞</translation>
    </message>
    <message>
        <source>drip (throttle)</source>
        <translation>滴流（限速）</translation>
    </message>
    <message>
        <source>drop events</source>
        <translation>丢弃事件</translation>
    </message>
    <message>
        <source>malformed event</source>
        <translation>格式错误的事件</translation>
    </message>
    <message>
        <source>send retry</source>
        <translation>发送 retry</translation>
    </message>
    <message>
        <source>answer with a status</source>
        <translation>以状态码应答</translation>
    </message>
    <message>
        <source>delay the response head</source>
        <translation>延迟响应头</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>频道</translation>
    </message>
    <message>
        <source>New connections</source>
        <translation>新连接</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source> B/s</source>
        <translation> 字节/秒</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> 毫秒</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>/events?channel=other or http://host/events</source>
        <translation>/events?channel=other 或 http://host/events</translation>
    </message>
    <message>
        <source>One-shot</source>
        <translation>一次性</translation>
    </message>
    <message>
        <source>Until removed</source>
        <translation>直到移除</translation>
    </message>
    <message>
        <source>For a time</source>
        <translation>持续一段时间</translation>
    </message>
    <message>
        <source>Add fault</source>
        <translation>添加故障</translation>
    </message>
    <message>
        <source>Kind:</source>
        <translation>类型：</translation>
    </message>
    <message>
        <source>Target:</source>
        <translation>目标：</translation>
    </message>
    <message>
        <source>Stall for:</source>
        <translation>停滞时长：</translation>
    </message>
    <message>
        <source>Rate:</source>
        <translation>速率：</translation>
    </message>
    <message>
        <source>Drop every Nth:</source>
        <translation>每 N 个丢弃一个：</translation>
    </message>
    <message>
        <source>Flaw:</source>
        <translation>缺陷：</translation>
    </message>
    <message>
        <source>Milliseconds:</source>
        <translation>毫秒数：</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>状态码：</translation>
    </message>
    <message>
        <source>Retry-After:</source>
        <translation>Retry-After：</translation>
    </message>
    <message>
        <source>Location:</source>
        <translation>Location：</translation>
    </message>
    <message>
        <source>Lifetime:</source>
        <translation>生命周期：</translation>
    </message>
    <message>
        <source>Chaos</source>
        <translation>混沌测试</translation>
    </message>
    <message>
        <source>Random one-shot faults on random clients, for soak-testing a client&apos;s recovery. It stops by itself after the limit, and with the server.</source>
        <translation>向随机客户端注入随机的一次性故障，用于长时间测试客户端的恢复能力。达到上限或服务器停止时会自动停止。</translation>
    </message>
    <message>
        <source> a minute</source>
        <translation> 次/分钟</translation>
    </message>
    <message>
        <source> faults</source>
        <translation> 个故障</translation>
    </message>
    <message>
        <source>close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <source>cut</source>
        <translation>截断</translation>
    </message>
    <message>
        <source>malformed</source>
        <translation>格式错误</translation>
    </message>
    <message>
        <source>retry</source>
        <translation>重连间隔</translation>
    </message>
    <message>
        <source>Start chaos</source>
        <translation>开始混沌测试</translation>
    </message>
    <message>
        <source>At most:</source>
        <translation>最多：</translation>
    </message>
    <message>
        <source>Kinds:</source>
        <translation>类型：</translation>
    </message>
    <message>
        <source>Stop chaos</source>
        <translation>停止混沌测试</translation>
    </message>
    <message>
        <source>%1 of %2 faults so far</source>
        <translation>已注入 %1 / %2 个故障</translation>
    </message>
    <message>
        <source>stopped after %1 faults</source>
        <translation>注入 %1 个故障后已停止</translation>
    </message>
</context>
<context>
    <name>sse::ui::FaultsModel</name>
    <message>
        <source>one-shot</source>
        <translation>一次性</translation>
    </message>
    <message>
        <source>until removed</source>
        <translation>直到移除</translation>
    </message>
    <message>
        <source>%1 s left</source>
        <translation>剩余 %1 秒</translation>
    </message>
    <message>
        <source>Acting on clients %1</source>
        <translation>正作用于客户端 %1</translation>
    </message>
    <message>
        <source>client %1</source>
        <translation>客户端 %1</translation>
    </message>
    <message>
        <source>channel %1</source>
        <translation>频道 %1</translation>
    </message>
    <message>
        <source>new connections</source>
        <translation>新连接</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Fault</source>
        <translation>故障</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>Lifetime</source>
        <translation>生命周期</translation>
    </message>
    <message>
        <source>Hits</source>
        <translation>命中次数</translation>
    </message>
    <message>
        <source>Acting on</source>
        <translation>作用中</translation>
    </message>
    <message>
        <source>From</source>
        <translation>来源</translation>
    </message>
</context>
<context>
    <name>sse::ui::HistoryDock</name>
    <message>
        <source>channel</source>
        <translation>频道</translation>
    </message>
    <message>
        <source>type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>text in the event</source>
        <translation>事件中的文本</translation>
    </message>
    <message>
        <source>Newer</source>
        <translation>较新</translation>
    </message>
    <message>
        <source>The newer page</source>
        <translation>较新的一页</translation>
    </message>
    <message>
        <source>Older</source>
        <translation>较旧</translation>
    </message>
    <message>
        <source>The older page</source>
        <translation>较旧的一页</translation>
    </message>
    <message>
        <source>Resend</source>
        <translation>重新发送</translation>
    </message>
    <message>
        <source>Publish the selected events again, as new events with new ids</source>
        <translation>将选中的事件作为新事件再次发布，使用新的 ID</translation>
    </message>
    <message>
        <source>Replay to</source>
        <translation>重放给</translation>
    </message>
    <message>
        <source>Send the chosen client the kept events in its channels from the selected one on, byte for byte as they were sent</source>
        <translation>从选中的事件起，把该客户端所订阅频道中保存的事件逐字节按原样发送给所选客户端</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Save the selected events (or the whole page) as a scenario</source>
        <translation>将选中的事件（或整页）保存为场景</translation>
    </message>
    <message>
        <source>Clear…</source>
        <translation>清除…</translation>
    </message>
    <message>
        <source>Forget every kept event; ids go on from where they were</source>
        <translation>清除所有保存的事件；ID 继续递增，不会重复使用</translation>
    </message>
    <message>
        <source>Clear the history?</source>
        <translation>清除历史记录？</translation>
    </message>
    <message>
        <source>Every kept event is forgotten, in the history file too. Clients that come back with one of their ids hear of a history gap. Ids go on from where they were.</source>
        <translation>所有保存的事件都会被清除，历史文件中的也一样。带着其中某个 ID 重新连接的客户端会收到历史缺口通知。ID 继续递增，不会重复使用。</translation>
    </message>
    <message>
        <source>The client a replay goes to</source>
        <translation>重放的目标客户端</translation>
    </message>
    <message>
        <source>History cleared</source>
        <translation>历史记录已清除</translation>
    </message>
    <message numerus="yes">
        <source>Replayed %n event(s) to client %1</source>
        <translation>
            <numerusform>已向客户端 %1 重放 %n 个事件</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing replayed to client %1: %2</source>
        <translation>未向客户端 %1 重放任何事件：%2</translation>
    </message>
    <message>
        <source>No kept events</source>
        <translation>没有保存的事件</translation>
    </message>
    <message>
        <source>%1–%2 of %3</source>
        <translation>第 %1–%2 条，共 %3 条</translation>
    </message>
    <message numerus="yes">
        <source>Resent %n event(s)</source>
        <translation>
            <numerusform>已重新发送 %n 个事件</numerusform>
        </translation>
    </message>
    <message>
        <source>None of these events can be sent by a scenario</source>
        <translation>这些事件都无法由场景发送</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Export as a scenario</source>
        <translation>导出为场景</translation>
    </message>
    <message>
        <source>Scenarios (*.jsonl *.ndjson);;All files (*)</source>
        <translation>场景 (*.jsonl *.ndjson);;所有文件 (*)</translation>
    </message>
    <message numerus="yes">
        <source>Saved %n event(s) as a scenario in %1</source>
        <translation>
            <numerusform>已将 %n 个事件保存为场景：%1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>sse::ui::HistoryModel</name>
    <message>
        <source>all channels</source>
        <translation>所有频道</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>频道</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
</context>
<context>
    <name>sse::ui::HttpsSettings</name>
    <message>
        <source>Off: plain HTTP</source>
        <translation>关闭：普通 HTTP</translation>
    </message>
    <message>
        <source>On, with the dashboard&apos;s own certificate authority</source>
        <translation>开启，使用仪表板自己的证书颁发机构</translation>
    </message>
    <message>
        <source>On, with certificate files</source>
        <translation>开启，使用证书文件</translation>
    </message>
    <message>
        <source>HTTPS lets pages served over https subscribe, keeps the token off the network in the clear, and opens the way to HTTP/2. With the dashboard&apos;s own authority, phones install its certificate once from the Connect panel (docs/tls.md).</source>
        <translation>HTTPS 让通过 https 提供的页面也能订阅，令牌不再以明文在网络上传输，并为 HTTP/2 铺平道路。使用仪表板自己的颁发机构时，手机只需在“连接”面板中安装一次其证书（见 docs/tls.md）。</translation>
    </message>
    <message>
        <source>PEM certificate chain</source>
        <translation>PEM 证书链</translation>
    </message>
    <message>
        <source>Certificate file</source>
        <translation>证书文件</translation>
    </message>
    <message>
        <source>PEM private key</source>
        <translation>PEM 私钥</translation>
    </message>
    <message>
        <source>Private key file</source>
        <translation>私钥文件</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>PEM files (*.pem *.crt *.key);;All files (*)</source>
        <translation>PEM 文件 (*.pem *.crt *.key);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>sse::ui::MainMenus</name>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Export log</source>
        <translation>导出日志(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Import templates…</source>
        <translation>导入模板(&amp;I)…</translation>
    </message>
    <message>
        <source>E&amp;xport templates…</source>
        <translation>导出模板(&amp;X)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation>服务器(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>启动(&amp;S)</translation>
    </message>
    <message>
        <source>Se&amp;ttings…</source>
        <translation>设置(&amp;T)…</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Find in log</source>
        <translation>在日志中查找(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;System</source>
        <translation>跟随系统(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>浅色(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>深色(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <source>&amp;Clear log</source>
        <translation>清空日志(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Reset layout</source>
        <translation>重置布局(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Documentation</source>
        <translation>文档(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;About SSE Dashboard</source>
        <translation>关于 SSE Dashboard(&amp;A)</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>关于 Qt(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Stop</source>
        <translation>停止(&amp;S)</translation>
    </message>
    <message>
        <source>S&amp;cenario</source>
        <translation>场景(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;New scenario</source>
        <translation>新建场景(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Open scenario…</source>
        <translation>打开场景(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Record from URL…</source>
        <translation>从 URL 录制(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Play</source>
        <translation>播放(&amp;P)</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>停止(&amp;T)</translation>
    </message>
</context>
<context>
    <name>sse::ui::MainWindow</name>
    <message>
        <source>SSE Dashboard</source>
        <translation>SSE Dashboard</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>Traffic log</source>
        <translation>流量日志</translation>
    </message>
    <message>
        <source>Composer</source>
        <translation>事件编辑器</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Saved the log to %1</source>
        <translation>已将日志保存到 %1</translation>
    </message>
    <message>
        <source>Listening on %1</source>
        <translation>正在监听 %1</translation>
    </message>
    <message>
        <source>The server could not start</source>
        <translation>服务器无法启动</translation>
    </message>
    <message>
        <source>Restart the server?</source>
        <translation>重启服务器？</translation>
    </message>
    <message numerus="yes">
        <source>The new settings take effect after a restart, which disconnects %n client(s). Browsers reconnect on their own.</source>
        <translation>
            <numerusform>新设置将在重启后生效，重启会断开 %n 个客户端的连接。浏览器会自动重新连接。</numerusform>
        </translation>
    </message>
    <message>
        <source>About SSE Dashboard</source>
        <translation>关于 SSE Dashboard</translation>
    </message>
    <message>
        <source>&lt;h3&gt;SSE Dashboard %1&lt;/h3&gt;&lt;p&gt;A desktop dashboard with a built-in Server-Sent Events server.&lt;/p&gt;&lt;p&gt;Built with Qt %2, running on Qt %3.&lt;/p&gt;&lt;p&gt;Licensed under the GNU General Public License, version 3 or later (GPL-3.0-or-later).&lt;/p&gt;&lt;p&gt;&lt;a href=&quot;%4&quot;&gt;%4&lt;/a&gt;&lt;/p&gt;</source>
        <translation>&lt;h3&gt;SSE Dashboard %1&lt;/h3&gt;&lt;p&gt;一款内置 Server-Sent Events（SSE）服务器的桌面仪表板。&lt;/p&gt;&lt;p&gt;基于 Qt %2 构建，运行于 Qt %3。&lt;/p&gt;&lt;p&gt;依据 GNU 通用公共许可证第 3 版或（由您选择）任何更高版本（GPL-3.0-or-later）授权。&lt;/p&gt;&lt;p&gt;&lt;a href=&quot;%4&quot;&gt;%4&lt;/a&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Scenarios</source>
        <translation>场景</translation>
    </message>
    <message>
        <source>Faults</source>
        <translation>故障</translation>
    </message>
    <message numerus="yes">
        <source>Fault #%1 installed; it hit %n stream(s) at once</source>
        <translation>
            <numerusform>已安装故障 #%1；立即命中了 %n 个连接</numerusform>
        </translation>
    </message>
    <message>
        <source>Fault refused: %1</source>
        <translation>故障被拒绝：%1</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <source>History file refused</source>
        <translation>历史文件被拒绝</translation>
    </message>
    <message>
        <source>%1

The file was left as it is. Run with the history in memory this time? Settings can move the file or turn it off for good.</source>
        <translation>%1

该文件未被改动。本次是否将历史记录保存在内存中运行？可以在设置中移动该文件或永久关闭它。</translation>
    </message>
    <message>
        <source>Run in memory</source>
        <translation>在内存中运行</translation>
    </message>
    <message>
        <source>Cluster</source>
        <translation>集群</translation>
    </message>
    <message>
        <source>Client %1 of instance %2 was not disconnected: %3</source>
        <translation>实例 %2 的客户端 %1 未能断开：%3</translation>
    </message>
    <message>
        <source>Listen on all interfaces?</source>
        <translation>监听所有网络接口？</translation>
    </message>
    <message numerus="yes">
        <source>The server restarts on the same port to listen on all interfaces, which disconnects %n client(s) for a moment. Browsers reconnect on their own.</source>
        <translation>
            <numerusform>服务器将在同一端口重启以监听所有网络接口，这会使 %n 个客户端暂时断开。浏览器会自行重新连接。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>sse::ui::QrCodeWidget</name>
    <message>
        <source>No URL to show</source>
        <translation>没有可显示的 URL</translation>
    </message>
</context>
<context>
    <name>sse::ui::RecordDialog</name>
    <message>
        <source>Record from URL</source>
        <translation>从 URL 录制</translation>
    </message>
    <message>
        <source>One per line, such as Authorization: Bearer …</source>
        <translation>每行一个，例如 Authorization: Bearer …</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source> events</source>
        <translation> 个事件</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Headers</source>
        <translation>请求头</translation>
    </message>
    <message>
        <source>Stop after</source>
        <translation>录制事件数上限</translation>
    </message>
    <message>
        <source>or after</source>
        <translation>或录制时长上限</translation>
    </message>
    <message>
        <source>Not recording</source>
        <translation>未在录制</translation>
    </message>
    <message>
        <source>URL: enter an http:// or https:// address</source>
        <translation>URL：请输入 http:// 或 https:// 地址</translation>
    </message>
    <message>
        <source>Headers: “%1” is not “Name: value”</source>
        <translation>请求头：“%1”不是“名称: 值”格式</translation>
    </message>
    <message numerus="yes">
        <source>%n event(s) recorded</source>
        <translation>
            <numerusform>已录制 %n 个事件</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing was recorded: %1</source>
        <translation>未录制到任何内容：%1</translation>
    </message>
    <message numerus="yes">
        <source>%n event(s) recorded, opened as a new scenario: %1</source>
        <translation>
            <numerusform>已录制 %n 个事件，已作为新场景打开：%1</numerusform>
        </translation>
    </message>
    <message>
        <source>Recording %1…</source>
        <translation>正在录制 %1…</translation>
    </message>
</context>
<context>
    <name>sse::ui::RoutesModel</name>
    <message>
        <source>The URL shows while the server runs</source>
        <translation>服务器运行时显示 URL</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>路径</translation>
    </message>
    <message>
        <source>Scenario file</source>
        <translation>场景文件</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Method: one of %1</source>
        <translation>方法：必须是 %1 之一</translation>
    </message>
    <message>
        <source>Path: starts with / and has no spaces, =, ? or #</source>
        <translation>路径：必须以 / 开头，且不含空格、=、? 或 #</translation>
    </message>
    <message>
        <source>Path: %1 is the server&apos;s own; choose another</source>
        <translation>路径：%1 是服务器自身使用的路径，请另选一个</translation>
    </message>
    <message>
        <source>File: choose the scenario the route plays</source>
        <translation>文件：请选择该路由播放的场景</translation>
    </message>
    <message>
        <source>%1 %2 is bound already; remove it first</source>
        <translation>%1 %2 已绑定；请先删除它</translation>
    </message>
</context>
<context>
    <name>sse::ui::RoutesPanel</name>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Copy URL</source>
        <translation>复制 URL</translation>
    </message>
    <message>
        <source>Apply routes</source>
        <translation>应用路由</translation>
    </message>
    <message>
        <source>Bind these routes on the running server and keep them for the next start</source>
        <translation>在运行中的服务器上绑定这些路由，并保留到下次启动</translation>
    </message>
    <message numerus="yes">
        <source>%n route(s) bound</source>
        <translation>
            <numerusform>已绑定 %n 条路由</numerusform>
        </translation>
    </message>
    <message>
        <source>Scenario file (.jsonl)</source>
        <translation>场景文件（.jsonl）</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>模板</translation>
    </message>
    <message>
        <source>Fill in a route playing a built-in template</source>
        <translation>填入一条播放内置模板的路由</translation>
    </message>
    <message>
        <source>Add route</source>
        <translation>添加路由</translation>
    </message>
    <message>
        <source>Added; Apply binds it</source>
        <translation>已添加；点击“应用路由”后绑定</translation>
    </message>
    <message>
        <source>Removed; Apply unbinds it</source>
        <translation>已删除；点击“应用路由”后解除绑定</translation>
    </message>
    <message>
        <source>Copied %1</source>
        <translation>已复制 %1</translation>
    </message>
    <message>
        <source>Saved; the routes are bound when the server starts</source>
        <translation>已保存；服务器启动时将绑定这些路由</translation>
    </message>
    <message>
        <source>Applying…</source>
        <translation>正在应用…</translation>
    </message>
    <message>
        <source>Scenario for the route</source>
        <translation>路由的场景</translation>
    </message>
    <message>
        <source>Scenarios (*.jsonl *.ndjson);;All files (*)</source>
        <translation>场景 (*.jsonl *.ndjson);;所有文件 (*)</translation>
    </message>
    <message>
        <source>The path the route answers on</source>
        <translation>该路由响应的路径</translation>
    </message>
</context>
<context>
    <name>sse::ui::ScenarioDock</name>
    <message>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <source>Templates</source>
        <translation>模板</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <source>Record…</source>
        <translation>录制…</translation>
    </message>
    <message>
        <source>Close scenario</source>
        <translation>关闭场景</translation>
    </message>
    <message>
        <source>%1 has unsaved changes. Close it anyway?</source>
        <translation>%1 有未保存的更改。仍要关闭吗？</translation>
    </message>
    <message>
        <source>LLM token stream (OpenAI-style)</source>
        <translation>LLM 逐词流（OpenAI 风格）</translation>
    </message>
    <message>
        <source>Stock ticker</source>
        <translation>股票行情</translation>
    </message>
    <message>
        <source>Progress 0–100 %</source>
        <translation>进度 0–100 %</translation>
    </message>
    <message>
        <source>Chat messages</source>
        <translation>聊天消息</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>通知</translation>
    </message>
    <message>
        <source>Untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>无法打开 %1：%2</translation>
    </message>
    <message>
        <source>%1 holds no events to play</source>
        <translation>%1 中没有可播放的事件</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message numerus="yes">
        <source>Opened the %n event(s) of the traffic log %1</source>
        <translation>
            <numerusform>已打开流量日志 %1 中的 %n 个事件</numerusform>
        </translation>
    </message>
    <message>
        <source>Open scenario</source>
        <translation>打开场景</translation>
    </message>
    <message>
        <source>Save scenario</source>
        <translation>保存场景</translation>
    </message>
    <message>
        <source>From te&amp;mplate</source>
        <translation>从模板新建(&amp;M)</translation>
    </message>
    <message>
        <source>Scenario routes: each request to a route&apos;s path gets its own stream playing the route&apos;s scenario</source>
        <translation>场景路由：对路由路径的每个请求都会得到一个独立的流，播放该路由的场景</translation>
    </message>
    <message>
        <source>Routes (%1)</source>
        <translation>路由 (%1)</translation>
    </message>
    <message numerus="yes">
        <source>Recorded %n event(s): %1</source>
        <translation>
            <numerusform>已录制 %n 个事件：%1</numerusform>
        </translation>
    </message>
    <message>
        <source>Start a new scenario, open a file or choose a template.</source>
        <translation>新建场景、打开文件或选择模板。</translation>
    </message>
    <message>
        <source>Scenarios (*.jsonl *.ndjson);;All files (*)</source>
        <translation>场景 (*.jsonl *.ndjson);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>sse::ui::ScenarioModel</name>
    <message>
        <source>Delay (ms)</source>
        <translation>延迟（毫秒）</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重连间隔</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>频道</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>注释</translation>
    </message>
    <message>
        <source>Delay: a whole number of milliseconds from 0 to %1</source>
        <translation>延迟：必须是 0 到 %1 之间的整数毫秒</translation>
    </message>
    <message>
        <source>Step %1: %2</source>
        <translation>第 %1 步：%2</translation>
    </message>
    <message>
        <source>Step %1, playing</source>
        <translation>第 %1 步，正在播放</translation>
    </message>
</context>
<context>
    <name>sse::ui::ScenarioTab</name>
    <message>
        <source>Add step</source>
        <translation>添加步骤</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>下移</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Loop</source>
        <translation>循环</translation>
    </message>
    <message>
        <source>Each step&apos;s channel</source>
        <translation>各步骤自己的频道</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>频道</translation>
    </message>
    <message>
        <source>All subscribers</source>
        <translation>所有订阅者</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <source>Cannot save %1: %2</source>
        <translation>无法保存 %1：%2</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <source>The scenario has no steps</source>
        <translation>该场景没有任何步骤</translation>
    </message>
    <message>
        <source>Start the server to play the scenario</source>
        <translation>请先启动服务器再播放场景</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>step %1/%2 · %3 s / %4 s</source>
        <translation>第 %1/%2 步 · %3 秒 / %4 秒</translation>
    </message>
    <message>
        <source> · pass %1</source>
        <translation> · 第 %1 轮</translation>
    </message>
    <message>
        <source> · paused</source>
        <translation> · 已暂停</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Add a step after the current one</source>
        <translation>在当前步骤之后添加一步</translation>
    </message>
    <message>
        <source>Remove the selected steps</source>
        <translation>删除所选步骤</translation>
    </message>
    <message>
        <source>Send to</source>
        <translation>发送给</translation>
    </message>
    <message>
        <source>step %1/%2 · finished</source>
        <translation>第 %1/%2 步 · 已完成</translation>
    </message>
    <message>
        <source>Stopped with the server</source>
        <translation>已随服务器停止</translation>
    </message>
    <message>
        <source>Playback speed: the delays are divided by it</source>
        <translation>播放速度：各步延迟将除以该值</translation>
    </message>
    <message>
        <source>client </source>
        <translation>客户端 </translation>
    </message>
</context>
<context>
    <name>sse::ui::SendHistoryModel</name>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>#%1 → %2</source>
        <translation>#%1 → %2</translation>
    </message>
    <message>
        <source>sending…</source>
        <translation>发送中…</translation>
    </message>
</context>
<context>
    <name>sse::ui::ServerBar</name>
    <message>
        <source>Start</source>
        <translation>启动</translation>
    </message>
    <message>
        <source>TCP port; 0 picks a free one</source>
        <translation>TCP 端口；设为 0 时自动选择空闲端口</translation>
    </message>
    <message>
        <source>Which network the server can be reached from</source>
        <translation>可从哪个网络访问服务器</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <source>Listen on:</source>
        <translation>监听：</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>端口：</translation>
    </message>
    <message>
        <source>This computer only</source>
        <translation>仅本机</translation>
    </message>
    <message>
        <source>All interfaces</source>
        <translation>所有网络接口</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>%1 (not connected)</source>
        <translation>%1（未连接）</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <source>Running at %1</source>
        <translation>运行于 %1</translation>
    </message>
    <message>
        <source>The server could not start: %1</source>
        <translation>服务器无法启动：%1</translation>
    </message>
    <message>
        <source>Running at %1 — up %2</source>
        <translation>运行于 %1 — 已运行 %2</translation>
    </message>
    <message numerus="yes">
        <source>%n client(s)</source>
        <translation>
            <numerusform>%n 个客户端</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 events/s</source>
        <translation>%1 事件/秒</translation>
    </message>
    <message>
        <source>Redis lost: %1 — reconnecting; publishing answers 503</source>
        <translation>Redis 连接中断：%1 — 正在重连；发布请求返回 503</translation>
    </message>
    <message numerus="yes">
        <source>Redis %1: connected · %n instance(s)</source>
        <translation>
            <numerusform>Redis %1：已连接 · %n 个实例</numerusform>
        </translation>
    </message>
    <message>
        <source>The event log is shared through Redis at %1.
Connections lost and made again: %2
History gaps signalled to clients: %3</source>
        <translation>事件日志通过位于 %1 的 Redis 共享。
断开后重新建立的连接：%2
已通知客户端的历史缺口：%3</translation>
    </message>
    <message numerus="yes">
        <source>%n replaying</source>
        <translation>
            <numerusform>%n 个正在重放</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 queued of %2</source>
        <translation>已排队 %1（上限 %2）</translation>
    </message>
    <message numerus="yes">
        <source>%n dropped as slow</source>
        <translation>
            <numerusform>%n 个因过慢被断开</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n told to retry</source>
        <translation>
            <numerusform>%n 个被告知稍后重试</numerusform>
        </translation>
    </message>
    <message>
        <source>Certificate: %1 (%2)</source>
        <translation>证书：%1（%2）</translation>
    </message>
    <message>
        <source>Certificate of the local CA &quot;%1&quot;, SHA-256 %2. Devices install it from the Connect panel.</source>
        <translation>本地 CA“%1”签发的证书，SHA-256 %2。设备可在“连接”面板中安装它。</translation>
    </message>
    <message>
        <source>Every route and stream is served over TLS 1.2 or 1.3; plain HTTP on this port is redirected.</source>
        <translation>所有路由和流均通过 TLS 1.2 或 1.3 提供；此端口上的普通 HTTP 请求会被重定向。</translation>
    </message>
    <message>
        <source>HTTPS until %1</source>
        <translation>HTTPS，有效期至 %1</translation>
    </message>
    <message>
        <source>HTTPS: %1</source>
        <translation>HTTPS：%1</translation>
    </message>
</context>
<context>
    <name>sse::ui::SettingsDialog</name>
    <message>
        <source>Server settings</source>
        <translation>服务器设置</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source> events</source>
        <translation> 个事件</translation>
    </message>
    <message>
        <source> KiB</source>
        <translation> KiB</translation>
    </message>
    <message>
        <source>none: anyone may subscribe</source>
        <translation>无：任何人都可以订阅</translation>
    </message>
    <message>
        <source> rows</source>
        <translation> 行</translation>
    </message>
    <message>
        <source> sends</source>
        <translation> 条</translation>
    </message>
    <message>
        <source>New</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <source>Heartbeat every:</source>
        <translation>心跳间隔：</translation>
    </message>
    <message>
        <source>History for replay:</source>
        <translation>用于重放的历史：</translation>
    </message>
    <message>
        <source>Slow-consumer limit:</source>
        <translation>慢速客户端队列上限：</translation>
    </message>
    <message>
        <source>Most clients:</source>
        <translation>最大客户端数：</translation>
    </message>
    <message>
        <source>Request timeout:</source>
        <translation>请求超时：</translation>
    </message>
    <message>
        <source>Largest publish body:</source>
        <translation>发布请求体上限：</translation>
    </message>
    <message>
        <source>Publish token:</source>
        <translation>发布令牌：</translation>
    </message>
    <message>
        <source>Subscriber token:</source>
        <translation>订阅者令牌：</translation>
    </message>
    <message>
        <source>Traffic log keeps:</source>
        <translation>流量日志保留：</translation>
    </message>
    <message>
        <source>Recent sends kept:</source>
        <translation>最近发送记录保留：</translation>
    </message>
    <message>
        <source>Keep it in a file</source>
        <translation>保存到文件</translation>
    </message>
    <message>
        <source>The history survives restarts and crashes, and ids go on from where they were. Off: it is kept in memory.</source>
        <translation>历史记录在重启和崩溃后依然保留，ID 继续递增。关闭时：保存在内存中。</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>History file</source>
        <translation>历史文件</translation>
    </message>
    <message>
        <source>SQLite files (*.sqlite *.db);;All files (*)</source>
        <translation>SQLite 文件 (*.sqlite *.db);;所有文件 (*)</translation>
    </message>
    <message>
        <source>History file:</source>
        <translation>历史文件：</translation>
    </message>
    <message>
        <source>redis://127.0.0.1:6379/0 — empty: this instance alone</source>
        <translation>redis://127.0.0.1:6379/0 — 留空：本实例独立运行</translation>
    </message>
    <message>
        <source>Share channels, event ids and history with other instances through Redis: redis://HOST:PORT[/DB][?prefix=P] (docs/scaling.md). While it is set, the history is kept in Redis and the history file is not used.</source>
        <translation>通过 Redis 与其他实例共享频道、事件 ID 和历史：redis://HOST:PORT[/DB][?prefix=P]（见 docs/scaling.md）。设置后，历史保存在 Redis 中，不再使用历史文件。</translation>
    </message>
    <message>
        <source>Redis:</source>
        <translation>Redis：</translation>
    </message>
    <message>
        <source>HTTPS:</source>
        <translation>HTTPS：</translation>
    </message>
</context>
<context>
    <name>sse::ui::SharePanel</name>
    <message>
        <source>Listen on all interfaces</source>
        <translation>监听所有网络接口</translation>
    </message>
    <message>
        <source>Open in browser</source>
        <translation>在浏览器中打开</translation>
    </message>
    <message>
        <source>Restart the server so phones and other computers on the LAN can connect</source>
        <translation>重启服务器，使局域网中的手机和其他计算机能够连接</translation>
    </message>
    <message>
        <source>Open in a browser</source>
        <translation>在浏览器中打开</translation>
    </message>
    <message>
        <source>Publish token</source>
        <translation>发布令牌</translation>
    </message>
    <message>
        <source>Copy the publish token</source>
        <translation>复制发布令牌</translation>
    </message>
    <message>
        <source>Publishing from another computer needs &apos;Authorization: Bearer TOKEN&apos;</source>
        <translation>从其他计算机发布时需要携带 &apos;Authorization: Bearer TOKEN&apos; 请求头</translation>
    </message>
    <message>
        <source>Show this URL as a QR code</source>
        <translation>以二维码显示此 URL</translation>
    </message>
    <message>
        <source>Copy %1</source>
        <translation>复制 %1</translation>
    </message>
    <message>
        <source>The server is not running.</source>
        <translation>服务器未运行。</translation>
    </message>
    <message>
        <source>The server listens on this computer only: phones and other computers can&apos;t reach it, so there is no QR code to scan.</source>
        <translation>服务器仅监听本机：手机和其他计算机无法访问，因此没有可扫描的二维码。</translation>
    </message>
    <message>
        <source>Scan the code with a phone on the same network.</source>
        <translation>请使用同一网络中的手机扫描二维码。</translation>
    </message>
    <message>
        <source>Trust this computer&apos;s certificate</source>
        <translation>信任本机的证书</translation>
    </message>
    <message>
        <source>QR code of the certificate</source>
        <translation>证书的二维码</translation>
    </message>
    <message>
        <source>Show the code of the page that installs the certificate; scan it before the page&apos;s own code</source>
        <translation>显示安装证书页面的二维码；请先扫描它，再扫描页面本身的二维码</translation>
    </message>
    <message>
        <source>&lt;p&gt;Browsers trust this server once its certificate authority, &lt;b&gt;%1&lt;/b&gt;, is installed on the device. Scan the certificate&apos;s code, or open &lt;code&gt;/ca&lt;/code&gt; over http, then:&lt;/p&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;iPhone:&lt;/b&gt; Settings › Profile Downloaded › Install; then General › About › Certificate Trust Settings › full trust.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Android:&lt;/b&gt; Settings › Security › Install a certificate › CA certificate. Chrome trusts it; Firefox does not by default.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Debian:&lt;/b&gt; copy it to /usr/local/share/ca-certificates/ and run &lt;code&gt;update-ca-certificates&lt;/code&gt;.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Chromium, Firefox on Linux:&lt;/b&gt; &lt;code&gt;certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n &quot;SSE Dashboard&quot; -i FILE&lt;/code&gt;.&lt;/li&gt;&lt;/ul&gt;&lt;p&gt;SHA-256: &lt;code&gt;%2&lt;/code&gt;&lt;/p&gt;</source>
        <translation>&lt;p&gt;设备安装本服务器的证书颁发机构 &lt;b&gt;%1&lt;/b&gt; 后，浏览器即信任本服务器。扫描证书的二维码，或通过 http 打开 &lt;code&gt;/ca&lt;/code&gt;，然后：&lt;/p&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;iPhone：&lt;/b&gt;设置 › 已下载描述文件 › 安装；然后 通用 › 关于本机 › 证书信任设置 › 完全信任。&lt;/li&gt;&lt;li&gt;&lt;b&gt;Android：&lt;/b&gt;设置 › 安全 › 安装证书 › CA 证书。Chrome 会信任它；Firefox 默认不信任。&lt;/li&gt;&lt;li&gt;&lt;b&gt;Debian：&lt;/b&gt;将其复制到 /usr/local/share/ca-certificates/ 并运行 &lt;code&gt;update-ca-certificates&lt;/code&gt;。&lt;/li&gt;&lt;li&gt;&lt;b&gt;Linux 上的 Chromium、Firefox：&lt;/b&gt;&lt;code&gt;certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n &quot;SSE Dashboard&quot; -i FILE&lt;/code&gt;。&lt;/li&gt;&lt;/ul&gt;&lt;p&gt;SHA-256：&lt;code&gt;%2&lt;/code&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Over HTTPS browsers speak HTTP/2: one browser may keep up to %1 streams open to this server on one connection.</source>
        <translation>通过 HTTPS，浏览器使用 HTTP/2：一个浏览器可在一条连接上向本服务器保持最多 %1 个流。</translation>
    </message>
    <message>
        <source>Over plain HTTP a browser opens at most 6 streams to this server; a seventh tab waits. Browsers speak HTTP/2, which lifts the limit to %1, only over HTTPS (Settings).</source>
        <translation>通过普通 HTTP，一个浏览器最多向本服务器打开 6 个流；第七个标签页会一直等待。浏览器只在 HTTPS 上使用 HTTP/2（见设置），它把上限提高到 %1。</translation>
    </message>
</context>
<context>
    <name>sse::ui::StatsHistoryModel</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Events/s</source>
        <translation>事件/秒</translation>
    </message>
    <message>
        <source>Deliveries/s</source>
        <translation>投递/秒</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>客户端</translation>
    </message>
</context>
<context>
    <name>sse::ui::TrafficLogModel</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>方向</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>Event type</source>
        <translation>事件类型</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <source>%1 log records left out: the server produced them faster than the log shows them</source>
        <translation>已省略 %1 条日志记录：服务器产生记录的速度超过了日志的显示速度</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>in</source>
        <translation>入</translation>
    </message>
    <message>
        <source>out</source>
        <translation>出</translation>
    </message>
    <message>
        <source>system</source>
        <translation>系统</translation>
    </message>
</context>
<context>
    <name>sse::ui::TrafficLogView</name>
    <message>
        <source>Hex</source>
        <translation>十六进制</translation>
    </message>
    <message>
        <source>Follow</source>
        <translation>跟随最新</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Show the raw bytes as a hex dump</source>
        <translation>以十六进制转储形式显示原始字节</translation>
    </message>
    <message>
        <source>Search…</source>
        <translation>搜索…</translation>
    </message>
    <message>
        <source>any type</source>
        <translation>任意类型</translation>
    </message>
    <message>
        <source>any client</source>
        <translation>任意客户端</translation>
    </message>
    <message>
        <source>Any direction</source>
        <translation>任意方向</translation>
    </message>
    <message>
        <source>In</source>
        <translation>入站</translation>
    </message>
    <message>
        <source>Out</source>
        <translation>出站</translation>
    </message>
    <message>
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <source>Keep the newest row in view</source>
        <translation>始终显示最新一行</translation>
    </message>
    <message>
        <source>Hold new rows so the log stands still; they arrive on resume</source>
        <translation>暂缓显示新行，使日志保持静止；恢复后新行会补上</translation>
    </message>
    <message>
        <source>keep </source>
        <translation>保留 </translation>
    </message>
    <message>
        <source> rows</source>
        <translation> 行</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>%1 of %2 rows shown</source>
        <translation>已显示 %1 行，共 %2 行</translation>
    </message>
    <message>
        <source>%1 bytes on the wire</source>
        <translation>实际传输 %1 字节</translation>
    </message>
    <message>
        <source> (first %1 shown)</source>
        <translation>（仅显示前 %1 字节）</translation>
    </message>
    <message>
        <source>Copy row</source>
        <translation>复制行</translation>
    </message>
    <message>
        <source>Copy raw bytes</source>
        <translation>复制原始字节</translation>
    </message>
    <message>
        <source>Copy as curl</source>
        <translation>复制为 curl 命令</translation>
    </message>
    <message>
        <source>Show only client %1</source>
        <translation>仅显示客户端 %1</translation>
    </message>
    <message>
        <source>Show only type &quot;%1&quot;</source>
        <translation>仅显示类型“%1”</translation>
    </message>
    <message>
        <source>Whole log as NDJSON…</source>
        <translation>整个日志导出为 NDJSON…</translation>
    </message>
    <message>
        <source>Filtered rows as NDJSON…</source>
        <translation>筛选后的行导出为 NDJSON…</translation>
    </message>
    <message>
        <source>Whole log as HAR…</source>
        <translation>整个日志导出为 HAR…</translation>
    </message>
    <message>
        <source>Filtered rows as HAR…</source>
        <translation>筛选后的行导出为 HAR…</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Export the traffic log</source>
        <translation>导出流量日志</translation>
    </message>
    <message>
        <source>NDJSON (*.ndjson *.jsonl)</source>
        <translation>NDJSON (*.ndjson *.jsonl)</translation>
    </message>
    <message>
        <source>HTTP Archive (*.har)</source>
        <translation>HTTP 存档 (*.har)</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <source>The raw bytes of the selected row</source>
        <translation>所选行的原始字节</translation>
    </message>
</context>
</TS>
