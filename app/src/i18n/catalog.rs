//! Every text of the console, in English and Simplified Chinese. Chinese uses the words of
//! TPNS's own Chinese console and documentation (任务列表, 推送详情, 终止, 撤回, 覆盖, 取消推送,
//! 继续下发 / 不下发; the statuses of `get_push_record`). `{name}` marks a value filled in.

use super::Locale;

catalog! {
    /// A key of the catalog.
    pub enum T {
        // --- The vocabulary -------------------------------------------------------------
        StatusCreated => "Created", "已创建";
        StatusScheduled => "Scheduled", "待推送";
        StatusPushing => "Pushing", "推送中";
        StatusCompleted => "Completed", "推送完成";
        StatusFailed => "Failed", "推送失败";
        StatusCanceled => "Canceled", "已取消";
        StatusDeleted => "Deleted", "已删除";
        StatusRecalled => "Recalled", "已撤回";
        StatusOverridden => "Overridden", "已覆盖";
        StatusTerminated => "Terminated", "已终止";
        Terminate => "Terminate", "终止";
        Recall => "Recall", "撤回";
        Override => "Override", "覆盖";
        CancelPush => "Cancel Push", "取消推送";
        Terminating => "Terminating…", "终止中…";
        Recalling => "Recalling…", "撤回中…";
        Overriding => "Overriding…", "覆盖中…";
        Canceling => "Canceling…", "取消中…";
        AudienceAll => "All devices", "全部设备";
        AudienceTag => "Tag", "标签";
        AudienceToken => "Single device", "单个设备";
        AudienceTokenList => "Device list", "设备列表";
        AudienceAccount => "Single account", "单个账号";
        AudienceAccountList => "Account list", "账号列表";
        AudiencePackageAccount => "Account package", "账号包";
        AudiencePackageToken => "Device package", "设备包";
        NounAll => "all devices", "全部设备";
        NounTag => "a tag", "标签";
        NounToken => "a single device", "单个设备";
        NounTokenList => "a device list", "设备列表";
        NounAccount => "a single account", "单个账号";
        NounAccountList => "an account list", "账号列表";
        NounPackageAccount => "an account package", "账号包";
        NounPackageToken => "a device package", "设备包";
        SourceConsole => "Console", "控制台";
        SourceApi => "API", "API";
        SourceWeb => "TPNS console", "移动推送控制台";
        KindNotify => "Notification", "通知栏消息";
        KindMessage => "In-app message", "应用内消息";
        RoleViewer => "viewer", "查看者";
        RoleOperator => "operator", "操作员";
        RoleAdmin => "admin", "管理员";
        OrList => "{head} or {last}", "{head}或{last}";
        ListSeparator => ", ", "、";

        // --- The rules' reasons (`domain::rules`) ----------------------------------------
        RefuseInFlight => "{action} is in progress on this task; wait for its outcome.",
            "此任务正在执行{action}，请等待其结果。";
        RefuseIosTerminate => "Terminate is not supported for iOS tasks: TPNS cannot stop queued iOS deliveries.",
            "iOS 任务不支持终止：移动推送无法停止 iOS 排队中的下发。";
        RefuseIosRecall => "Recall is not supported for iOS tasks: like Terminate, TPNS offers it for Android only.",
            "iOS 任务不支持撤回：与终止一样，移动推送仅对 Android 提供。";
        RefuseAudience => "{action} is only supported for tasks pushed to {allowed}; this task was pushed to {actual}.",
            "{action}仅支持推送目标为{allowed}的任务；此任务的推送目标为{actual}。";
        RefuseRecallUnavailable => "Recall is not available for this app: TPNS has taken message recall offline.",
            "此应用无法撤回：移动推送已下线消息撤回功能。";
        RefuseStatusTerminate => "{action} is only possible while a task is {allowed}; this task is {status}.",
            "仅当任务为{allowed}时才能{action}；此任务当前为{status}。";
        RefuseStatusOverride => "Override is only possible once a task is {allowed}; this task is {status}.",
            "仅当任务为{allowed}时才能覆盖；此任务当前为{status}。";
        RefuseStatusCancel => "Cancel Push is only possible while a task is {allowed}; this task is {status}.",
            "仅当任务为{allowed}时才能取消推送；此任务当前为{status}。";
        HintUseCancel => " Use Cancel Push before its send time instead.", "请改为在推送时间之前取消推送。";
        HintCancelAndPushAgain => " Cancel it and push again instead.", "请取消后重新推送。";
        RefuseNoOfflineStorage => "This task was pushed without offline storage (expire_time 0): nothing is queued for {action} to stop.",
            "此任务推送时未设置离线保存（expire_time 为 0）：没有排队中的消息可供{action}。";
        RefuseOfflineOver => "The offline-storage period of this task ended at {at}; nothing is queued any more.",
            "此任务的离线保存时间已于 {at} 结束，已没有排队中的消息。";
        RefuseNotScheduled => "Cancel Push is only possible for scheduled tasks; this one was sent immediately.",
            "只有定时任务才能取消推送；此任务为立即推送。";
        RefuseTooLate => "Too late: this task started sending at {at}. Cancel is only possible before the scheduled send time; you can Terminate it instead.",
            "为时已晚：此任务已于 {at} 开始推送。只能在定时推送时间之前取消；您可以改为终止此任务。";
        RefuseOverrideUnknown => "TPNS did not answer {by}'s override at {at}, so whether it went out is unknown; Pushdeck is checking with TPNS. A second override now could reach every device twice.",
            "{by} 于 {at} 发起的覆盖未收到移动推送的答复，无法确定是否已下发；Pushdeck 正在向移动推送核实。此时再次覆盖可能让每台设备收到两次。";
        RefuseOverrideDoneNew => "{by} already used Override on this task at {at}: the corrected message is task {new}. To correct it again, override task {new}.",
            "{by} 已于 {at} 覆盖此任务：更正后的消息为任务 {new}。如需再次更正，请覆盖任务 {new}。";
        RefuseOverrideDone => "{by} already used Override on this task at {at}; a second override would reach every device twice.",
            "{by} 已于 {at} 覆盖此任务；再次覆盖会让每台设备收到两次。";
        RefuseTerminateAfterOther => "{by} already used {first} on this task at {at}, which also stopped its queued deliveries; nothing is left for Terminate to stop.",
            "{by} 已于 {at} 对此任务执行{first}，排队中的下发也已随之停止；已没有可终止的内容。";
        RefuseTerminateDone => "{by} already used Terminate on this task at {at}; nothing is left for Terminate to stop.",
            "{by} 已于 {at} 终止此任务；已没有可终止的内容。";
        RefuseRecallDone => "{by} already used Recall on this task at {at}.", "{by} 已于 {at} 撤回此任务。";
        RefuseCancelDone => "{by} already used Cancel Push on this task at {at}; it will never be sent.",
            "{by} 已于 {at} 取消推送此任务；它不会再被发送。";
        RefuseRole => "Your role does not allow {action}.", "您的角色不允许{action}。";
        ImpactTerminate => "Terminate stops delivery to about {n} devices that have not received it yet. This cannot be undone.",
            "终止将停止向约 {n} 台尚未收到的设备下发。此操作无法撤销。";
        ImpactRecall => "Recall stops delivery to about {n} devices that have not received it yet and removes it from about {m} devices where it is shown and not clicked, on channels that support recall. This cannot be undone.",
            "撤回将停止向约 {n} 台尚未收到的设备下发，并在支持撤回的通道上，从约 {m} 台已展示但未点击的设备上移除。此操作无法撤销。";
        ImpactOverride => "Override stops delivery of the original to about {n} devices that have not received it yet and sends the new message in its place.",
            "覆盖将停止向约 {n} 台尚未收到的设备下发原消息，并以新消息代替。";
        ImpactCancel => "Cancel Push cancels this scheduled task; it will never be sent. This cannot be undone.",
            "取消推送将取消此定时任务，它将不会被发送。此操作无法撤销。";

        // --- The frame -------------------------------------------------------------------
        SkipToContent => "Skip to content", "跳到正文";
        NavMain => "Main", "主导航";
        NavTaskList => "Task List", "任务列表";
        NavAudit => "Audit log", "审计日志";
        NavAdmin => "Admin", "管理";
        AppLabel => "App", "应用";
        Go => "Go", "前往";
        SignedIn => "Signed in", "已登录";
        SignOut => "Sign out", "退出登录";
        Language => "Language", "语言";

        // --- Sign-in and missing pages ------------------------------------------------------
        SignInTitle => "Sign in", "登录";
        SignInHeading => "Sign in to Pushdeck", "登录 Pushdeck";
        SignInTagline => "The console for your TPNS push tasks.", "管理您的移动推送任务的控制台。";
        Username => "Username", "用户名";
        Password => "Password", "密码";
        SignInButton => "Sign in", "登录";
        SignInThrottled => "Too many attempts. Try again in a few minutes.", "尝试次数过多，请几分钟后再试。";
        SignInFailedServer => "Signing in failed on the server. Please try again.", "服务器登录失败，请重试。";
        SignInWrong => "Wrong username or password.", "用户名或密码错误。";
        NotFoundTitle => "Page not found", "页面不存在";
        NotFoundBody => "There is nothing at this address. It may have been mistyped, or the task may belong to another app.",
            "此地址没有内容。地址可能有误，或该任务属于其他应用。";
        GoToTaskList => "Go to the Task List", "前往任务列表";

        // --- Pages -------------------------------------------------------------------------
        PctArrived => "{pct}% arrived", "已到达 {pct}%";
        ErrSignIn => "Please sign in.", "请登录。";
        ErrInternal => "Something went wrong on the server. It has been logged; please try again.", "服务器出错，已记录日志，请重试。";
        ErrNetwork => "Could not reach the Pushdeck server, or its answer could not be read. Check your connection and reload the page.", "无法连接 Pushdeck 服务器，或无法读取其答复。请检查网络连接并重新加载页面。";
        ErrNotFound => "{what} was not found.", "未找到{what}。";
        LoadingTask => "Loading the task…", "正在加载任务…";
        Breadcrumb => "Breadcrumb", "位置";
        PushDetails => "Push details", "推送详情";
        BackToTaskList => "Back to the Task List", "返回任务列表";
        TheTask => "The task", "该任务";
        LinkTypePushId => "Type the task's push ID exactly to confirm.", "请准确输入任务的推送 ID 以确认。";
        LinkChoose => "Choose what happens on devices that cannot replace a notification: Continue delivery or Abort for these devices.", "请选择不支持覆盖的设备如何处理：继续下发，或对这些设备不下发。";
        LinkClick => "Choose what the notification opens; a web address starts with https:// or http://.", "请选择点击通知后打开的内容；网址须以 https:// 或 http:// 开头。";
        LinkTitleContent => "Enter a title (up to 200 characters) and content (up to 2,000 characters).", "请输入标题（最多 200 个字符）和内容（最多 2,000 个字符）。";
        ErrMalformed => "The request was incomplete or malformed.", "请求不完整或格式有误。";
        LinkForbidden => "Your role does not allow this action.", "您的角色不允许此操作。";
        LinkConflict => "Somebody else acted on this task first; the action history shows who and when.", "已有其他人先对此任务执行了操作；操作记录中显示了操作人和时间。";
        LinkNotAllowed => "The action is not possible on this task now; the disabled button says why.", "此任务当前无法执行该操作；不可用的按钮旁说明了原因。";
        LinkUpstream => "TPNS refused the action (code {code}). The task was not changed.", "移动推送拒绝了该操作（错误码 {code}）。任务未作更改。";
        LinkUnavailable => "TPNS did not answer. Whether the action happened is unknown; Pushdeck keeps checking and the action history will show the outcome.", "移动推送未答复，无法确定操作是否已执行；Pushdeck 会持续核实，结果将显示在操作记录中。";
        LinkBudget => "The upstream query budget for this hour is spent.", "本小时的上游查询额度已用完。";
        ActionSent => "{action} sent. The status below was read back from TPNS.", "已发送{action}。下方状态为从移动推送读回的结果。";
        NewTaskIs => " The new task is {id}.", "新任务为 {id}。";
        PushProgress => "Push Progress", "推送进度";
        OverriddenByTask => "Overridden by task ", "已被以下任务覆盖：";
        PushId => "Push ID", "推送 ID";
        Audience => "Audience", "推送目标";
        Platform => "Platform", "平台";
        MessageType => "Message type", "消息类型";
        Created => "Created", "创建时间";
        SendTime => "Send time", "推送时间";
        Immediately => "Immediately", "立即推送";
        OfflineUntil => "Offline storage until", "离线保存至";
        NoOfflineStorage => "None (expire_time 0)", "无（expire_time 为 0）";
        Source => "Source", "来源";
        CollapseId => "Collapse ID", "Collapse ID";
        Overrides => "Overrides", "覆盖的任务";
        OverriddenBy => "Overridden by", "覆盖它的任务";
        LastSynced => "Last synced", "上次同步";
        WhenAgo => "{when} ({age} ago)", "{when}（{age}前）";
        NotYetRead => "Not yet read from TPNS", "尚未从移动推送读取";
        SyncStale => "sync stale", "同步过期";
        Planned => "Planned", "计划下发";
        Sent => "Sent", "实际下发";
        Arrived => "Arrived", "抵达";
        Clicked => "Clicked", "点击";
        DeliveryFunnel => "Delivery funnel", "下发漏斗";
        PerChannel => "Per channel", "各通道";
        Channel => "Channel", "通道";
        CountersAsOf => "Counters as of {when}", "数据截至 {when}";
        CountersNotRead => "Counters not read from TPNS yet.", "尚未从移动推送读取数据。";
        ActionHistory => "Action history", "操作记录";
        NoActionsYet => "No actions on this task yet.", "此任务尚无操作。";
        TpnsSaid => "TPNS: ", "移动推送：";
        CallsLeft => "{left} of {of} query calls left this hour.", "本小时剩余查询次数 {left} / {of}。";
        NextCallAt => " Next at {when} ({age} from now).", "下次可在 {when}（{age}后）。";
        CliTokenAdded => "Token {name} for {user} (actions: {actions}). It is shown this once; keep it where secrets go:\n{token}",
            "已为 {user} 创建令牌 {name}（操作：{actions}）。令牌只显示这一次，请妥善保存：\n{token}";
        CliTokenRevoked => "Revoked token {name} of {user}; it stops working on the next request.", "已吊销 {user} 的令牌 {name}，下一次请求起失效。";
        CliNoTokens => "{user} has no API tokens.", "{user} 没有 API 令牌。";
        TokenLive => "live", "有效";
        TokenExpired => "expired", "已过期";
        TokenRevoked => "revoked", "已吊销";
        TokenExpires => "expires", "过期时间";
        TokenLastUsed => "last used", "上次使用";
        TokenBadName => "A token's name is 1 to 64 letters, digits, dots, dashes or underscores.", "令牌名称须为 1 到 64 个字母、数字、点、短横线或下划线。";
        TokenBadExpiry => "A token lives 1 to 3650 days, or until it is revoked.", "令牌有效期为 1 到 3650 天，或直到被吊销。";
        TokenExists => "There is already a live token named {name}.", "已存在名为 {name} 的有效令牌。";
        TokenNotFound => "There is no live token named {name}.", "没有名为 {name} 的有效令牌。";
        AuditAddToken => "add API token", "创建 API 令牌";
        AuditRevokeToken => "revoke API token", "吊销 API 令牌";
        ApiTokenMissing => "Send an API token: Authorization: Bearer pdk_…", "请提供 API 令牌：Authorization: Bearer pdk_…";
        ApiTokenUnknown => "That API token is not one of this console's.", "该 API 令牌不属于此控制台。";
        ApiTokenExpired => "That API token has expired; make a new one on your Account page.", "该 API 令牌已过期，请在“账户”页面创建新令牌。";
        ApiTokenRevoked => "That API token was revoked.", "该 API 令牌已被吊销。";
        ApiOwnerDisabled => "The user this API token belongs to is disabled.", "该 API 令牌所属的用户已被停用。";
        ApiKeyRequired => "Send an Idempotency-Key header (a fresh random value per action, the same one when you retry it).", "请提供 Idempotency-Key 请求头（每个操作一个新的随机值，重试时使用同一个值）。";
        ApiBadJson => "The request body is not the JSON this call takes: {detail}", "请求体不是此接口接受的 JSON：{detail}";
        ApiBadQuery => "The query parameter {name} does not take the value {value}.", "查询参数 {name} 不接受值 {value}。";
        NavAccount => "Account", "账户";
        NavApi => "API reference", "API 参考";
        AccountSubtitle => "Your role, and the API tokens your scripts act with.", "您的角色，以及脚本使用的 API 令牌。";
        ApiTokens => "API tokens", "API 令牌";
        ApiTokensExplain => "A token lets a script use the console's API as you, with your role and at most the actions you choose. It is shown once, when it is made; the console keeps only its hash.", "令牌让脚本以您的身份使用控制台的 API，拥有您的角色，并且最多只能执行您选择的操作。令牌只在创建时显示一次，控制台只保存其哈希值。";
        NoTokensYet => "You have no API tokens yet.", "您还没有 API 令牌。";
        TokenName => "Name", "名称";
        TokenActions => "Actions it may take", "可执行的操作";
        TokenActionsExplain => "Unchecked: the token reads tasks and the audit log and may refresh, but takes no action.", "全部不勾选：令牌可以读取任务和审计日志、可以刷新，但不能执行任何操作。";
        TokenViewerOnly => "Viewers' tokens read only.", "查看者的令牌只能读取。";
        TokenReadOnly => "read only", "只读";
        TokenCreated => "Created", "创建时间";
        TokenExpiresCol => "Expires", "过期时间";
        TokenLastUsedCol => "Last used", "上次使用";
        TokenNoExpiry => "never (until revoked)", "永不过期（直到吊销）";
        InDays => "in {n} days", "{n} 天后";
        Never => "never", "从未";
        NewToken => "New token", "新建令牌";
        MakeToken => "Make the token", "创建令牌";
        Revoke => "Revoke", "吊销";
        RevokeNamed => "Revoke token {name}", "吊销令牌 {name}";
        TokenGone => "That token is not live any more.", "该令牌已失效。";
        TokenMade => "Token {name} is made", "令牌 {name} 已创建";
        TokenShownOnce => "Copy it now and keep it where your secrets go: it is shown this once and cannot be read again. If it is lost, revoke it and make another.", "请立即复制并妥善保存：令牌只显示这一次，之后无法再次查看。如果丢失，请吊销并重新创建。";
        TokenTryIt => "Try it:", "试一试：";
        ApiReferenceSubtitle => "The console's JSON API, generated from its code. The same document, for tools: /api/v1/openapi.json", "控制台的 JSON API，由代码生成。供工具使用的同一文档：/api/v1/openapi.json";
        ApiParameters => "Parameters", "参数";
        ApiRequestBody => "Request body", "请求体";
        ApiResponses => "Responses", "响应";
        ApiSchemas => "Schemas", "数据结构";
        ApiRequired => "required", "必填";
        ViaToken => "via token {token}", "（通过令牌 {token}）";
        ViewersCannotRefresh => "Viewers cannot refresh from TPNS: it spends the team's query budget.", "查看者不能从移动推送刷新：刷新会消耗团队的查询额度。";
        Refreshing => "Refreshing…", "正在刷新…";
        RefreshNow => "Refresh now", "立即刷新";
        DialogTerminate => "Terminate this task", "终止此任务";
        DialogRecall => "Recall this task", "撤回此任务";
        DialogOverride => "Override this task", "覆盖此任务";
        DialogCancel => "Cancel the scheduled push", "取消定时推送";
        SendOverride => "Send override", "发送覆盖";
        Sending => "Sending…", "正在发送…";
        TypeToConfirmBefore => "This task was pushed to all devices. Type its push ID ", "此任务推送给了全部设备。请输入其推送 ID ";
        TypeToConfirmAfter => " to confirm.", " 以确认。";
        PushIdToConfirm => "Push ID to confirm", "用于确认的推送 ID";
        Back => "Back", "返回";
        ClickUrlBad => "Enter a web address that starts with https:// or http://, without spaces.", "请输入以 https:// 或 http:// 开头且不含空格的网址。";
        ClickIntentBad => "Enter the intent to open, without line breaks.", "请输入要打开的 intent，不能换行。";
        ClickKindBad => "Choose what the notification opens: the app, a web page or an intent.", "请选择点击通知后打开的内容：应用、网页或 intent。";
        TapOpensApp => "Tapping opens the app", "点击后打开应用";
        TapOpensUrl => "Tapping opens {target}", "点击后打开 {target}";
        TapOpensIntent => "Tapping opens intent {target}", "点击后打开 intent {target}";
        TapOpensDefault => "Tapping opens the app (TPNS's default): the original's click action was not reported", "点击后打开应用（移动推送的默认行为）：原消息的点击动作未上报";
        CollapseReadOnSend => "read from TPNS when you send", "发送时从移动推送读取";
        ClickNotReported => "Click action not reported by TPNS", "移动推送未上报点击动作";
        NewTitle => "New title", "新标题";
        NewContent => "New content", "新内容";
        Preview => "Preview", "预览";
        ShownNow => "Shown now", "当前显示";
        AfterOverride => "After the override", "覆盖之后";
        CannotReplaceLegend => "Devices that cannot replace a notification", "不支持覆盖的设备";
        CannotReplaceNone => "None of this task's devices is on a channel that cannot replace a notification, as far as TPNS's counters say.", "根据移动推送的统计，此任务没有设备处于不支持覆盖的通道上。";
        CannotReplaceSome => "{n} of this task's devices are on channels that cannot replace a notification ({parts}); {shown} of them already show the original.", "此任务有 {n} 台设备处于不支持覆盖的通道上（{parts}），其中 {shown} 台已显示原消息。";
        ContinueDelivery => "Continue delivery", "继续下发";
        ContinueDeliveryMeans => " — they get the new message too; both notifications will show.", "——这些设备也会收到新消息，新旧两条通知会同时显示。";
        AbortForThese => "Abort for these devices", "对这些设备不下发";
        AbortForTheseMeans => " — they get nothing new; the original stays.", "——这些设备不会收到新消息，原消息保留。";
        ClickAsOriginal => "As the original", "与原消息相同";
        ClickOpenApp => "Open the app", "打开应用";
        ClickOpenUrl => "Open a web page", "打开网页";
        ClickOpenIntent => "Open an intent", "打开 intent";
        WhenTapped => "When tapped", "点击后";
        WebAddressField => "Web address (for a web page)", "网址（打开网页时）";
        IntentField => "Intent (for an intent)", "Intent（打开 intent 时）";
        HuaweiIntentNote => "Huawei devices take the notification's parameters from the intent, so it follows the choice: a web page drops the old intent.", "华为设备从 intent 中读取通知参数，因此会随所选内容变化：选择网页时将不再使用原 intent。";
        PasswordGenerate => "Password (leave empty to generate one)", "密码（留空则自动生成）";
        PasswordAtLeast => "Password (at least 12 characters)", "密码（至少 12 个字符）";
        Role => "Role", "角色";
        RoleViewerMeans => "viewer (read only)", "查看者（只读）";
        RoleOperatorMeans => "operator (actions)", "操作员（可执行操作）";
        RoleAdminMeans => "admin (users and apps)", "管理员（管理用户和应用）";
        OperatorPermissions => "Operator permissions", "操作员权限";
        AddUserButton => "Add user", "添加用户";
        AddedUser => "Added {name}.", "已添加 {name}。";
        PasswordShownOnce => " Their password, shown only now: ", "其密码（仅显示这一次）：";
        ReloadToSee => " Reload to see them in the list.", "重新加载页面即可在列表中看到。";
        CheckTheForm => "Check the form and try again.", "请检查表单后重试。";
        UserGone => "That user no longer exists.", "该用户已不存在。";
        OnlyAdmins => "Only admins can change users.", "只有管理员可以修改用户。";
        ServerWrongRetry => "Something went wrong on the server. Please try again.", "服务器出错，请重试。";
        Loading => "Loading…", "正在加载…";
        AdminSubtitle => "Users, their roles and action permissions, and the configured TPNS apps.", "用户及其角色和操作权限，以及已配置的移动推送应用。";
        ChangeNotSaved => "The change was not saved. ", "更改未保存。";
        Users => "Users", "用户";
        User => "User", "用户";
        RoleAndPermissions => "Role and permissions", "角色和权限";
        NewPassword => "New password", "新密码";
        DisableOrEnable => "Disable or enable", "停用或启用";
        AddAUser => "Add a user", "添加用户";
        Apps => "Apps", "应用";
        AccessPoint => "Access point", "服务接入点";
        Authentication => "Authentication", "鉴权方式";
        Available => "Available", "可用";
        RecallOffline => "Not available (TPNS has taken recall offline)", "不可用（移动推送已下线撤回功能）";
        SecretKeysNote => "SecretKeys are read from the environment or a secrets file on the server; they are never stored in the database or shown here.", "SecretKey 由服务器从环境变量或密钥文件读取，不会存入数据库，也不会在此显示。";
        Disabled => "disabled", "已停用";
        Save => "Save", "保存";
        NewPasswordFor => "New password for {name}", "{name} 的新密码";
        Set => "Set", "设置";
        Enable => "Enable", "启用";
        Disable => "Disable", "停用";
        UserBadName => "Use 2–64 letters, digits, dots, dashes, underscores or @.", "请使用 2–64 个字母、数字、点、短横线、下划线或 @。";
        UserBadRole => "Choose viewer, operator or admin.", "请选择查看者、操作员或管理员。";
        UserBadPassword => "Use 12 to 1,024 characters, or leave it empty to generate one.", "请使用 12 到 1,024 个字符，或留空以自动生成。";
        UserOwnAdmin => "You cannot remove your own admin role.", "您不能移除自己的管理员角色。";
        UserDisableSelf => "You cannot disable yourself.", "您不能停用自己。";
        UserNewPassword => "Type a new password of 12 to 1,024 characters.", "请输入 12 到 1,024 个字符的新密码。";
        UserOwnPassword => "You cannot set your own password here; use `pushdeck user reset-password`.", "不能在此设置自己的密码；请使用 `pushdeck user reset-password`。";
        LoadingAudit => "Loading the audit log…", "正在加载审计日志…";
        AuditSubtitle => "Every action, sign-in and admin change, newest first. Entries cannot be edited or deleted.", "所有操作、登录和管理变更，最新的在前。记录不可编辑或删除。";
        AuditSignIn => "sign-in", "登录";
        AuditAddUser => "add user", "添加用户";
        AuditSetRole => "set role", "设置角色";
        AuditDisableUser => "disable user", "停用用户";
        AuditEnableUser => "enable user", "启用用户";
        AuditResetPassword => "reset password", "重置密码";
        OutcomeSucceeded => "succeeded", "成功";
        OutcomeSucceededReconciled => "succeeded (reconciled)", "成功（核实后）";
        OutcomeFailed => "failed", "失败";
        OutcomeFailedReconciled => "failed (reconciled)", "失败（核实后）";
        OutcomeRefused => "refused", "已拒绝";
        OutcomeUnknown => "unknown", "结果未知";
        KindAction => "action", "操作";
        KindAdmin => "admin", "管理";
        KindAuth => "auth", "认证";
        Anyone => "Anyone", "所有人";
        ActionColumn => "Action", "操作";
        Any => "Any", "全部";
        TaskPushId => "Task (push ID)", "任务（推送 ID）";
        From => "From", "开始日期";
        To => "To", "结束日期";
        Filter => "Filter", "筛选";
        Reset => "Reset", "重置";
        ExportCsv => "Export CSV", "导出 CSV";
        TimeIn => "Time ({zone})", "时间（{zone}）";
        Task => "Task", "任务";
        Outcome => "Outcome", "结果";
        Upstream => "Upstream", "上游";
        Address => "Address", "地址";
        NoEntries => "No entries match these filters.", "没有符合筛选条件的记录。";
        Pages => "Pages", "分页";
        OlderNext => "Older →", "更早 →";
        LoadingTasks => "Loading tasks…", "正在加载任务…";
        WithoutThisFilter => "Show the Task List without this filter", "不使用此筛选条件查看任务列表";
        TaskListSubtitle => "{app} · {platform} · {point}. Newest first unless sorted otherwise.", "{app} · {platform} · {point}。默认最新的在前。";
        OlderPrev => "← Older", "← 更早";
        NewerNext => "Newer →", "更新 →";
        NewerPrev => "← Newer", "← 更新";
        BudgetTooltip => "TPNS allows 200 query calls an hour per endpoint and app", "移动推送对每个应用的每个查询接口限制为每小时 200 次";
        BudgetLeft => "Upstream query budget left this hour: {record} record · {stats} statistics calls (of {of})", "本小时剩余上游查询额度：推送记录 {record} 次 · 统计 {stats} 次（共 {of} 次）";
        TasksOnPage => "{n} tasks on this page", "本页 {n} 个任务";
        StatusColumn => "Status", "状态";
        Search => "Search", "搜索";
        SearchPlaceholder => "Push ID, title or content", "推送 ID、标题或内容";
        CreatedFrom => "Created from", "创建时间起";
        CreatedTo => "Created to", "创建时间止";
        Sort => "Sort", "排序";
        NewestFirst => "Newest first", "最新的在前";
        OldestFirst => "Oldest first", "最早的在前";
        ApplyFilters => "Apply filters", "应用筛选";
        TitleColumn => "Title", "标题";
        ScheduledColumn => "Scheduled", "定时时间";
        Delivery => "Delivery", "下发进度";
        Actions => "Actions", "操作";
        NoTasks => "No tasks match these filters.", "没有符合筛选条件的任务。";
        NotReadYet => "not read yet", "尚未读取";
        AgeAgo => "{age} ago", "{age}前";
        NotYet => "not yet", "尚未同步";
        StaleTooltip => "Not refreshed from TPNS recently", "近期未从移动推送刷新";
        ViewDetails => "View Details", "查看详情";
        Recurring => " · recurring", " · 循环推送";

        // --- The server's answers -----------------------------------------------------------
        SrvClockOff => "This Pushdeck server's clock differs from its database's, so it does not act now (an action stamped by a wrong clock could be settled wrongly). Nothing was sent. Try again in a minute; if it persists, tell whoever runs Pushdeck.", "此 Pushdeck 服务器的时钟与其数据库不一致，因此暂不执行操作（时间戳错误的操作可能被错误结算）。未发送任何内容。请一分钟后重试；如仍然如此，请联系 Pushdeck 的运维人员。";
        SrvClockOffRead => "This Pushdeck server's clock differs from its database's, so it does not read TPNS now. Try again in a minute; if it persists, tell whoever runs Pushdeck.", "此 Pushdeck 服务器的时钟与其数据库不一致，因此暂不读取移动推送。请一分钟后重试；如仍然如此，请联系 Pushdeck 的运维人员。";
        SrvPushQueued => "Other pushes of this app are queued (TPNS takes one a second). Nothing was sent; try again in a moment.", "此应用的其他推送正在排队（移动推送每秒只接受一个）。未发送任何内容，请稍后重试。";
        SrvAlreadyUsedNow => "{by} already used {action} on this task at {at}; it is now {status}.", "{by} 已于 {at} 对此任务执行{action}，任务当前为{status}。";
        SrvKeyOtherAction => "This request key belongs to another action; reload the page and try again.", "此请求标识属于另一个操作，请重新加载页面后重试。";
        SrvBusy => "{by} started {action} on this task at {at}; wait for its outcome.", "{by} 已于 {at} 对此任务发起{action}，请等待其结果。";
        SrvActedFirstUsed => "{by} used {action} on this task at {at} while you were confirming; reload the task to see where it stands.", "在您确认期间，{by} 已于 {at} 对此任务执行{action}；请重新加载任务查看当前状态。";
        SrvActedFirstSent => "{by} sent {action} (its outcome is being checked) on this task at {at} while you were confirming; reload the task to see where it stands.", "在您确认期间，{by} 已于 {at} 对此任务发送{action}（结果正在核实）；请重新加载任务查看当前状态。";
        SrvActedFirstTried => "{by} tried {action} on this task at {at} while you were confirming; reload the task to see where it stands.", "在您确认期间，{by} 已于 {at} 尝试对此任务执行{action}；请重新加载任务查看当前状态。";
        SrvSucceeded => "{action} succeeded: the task is now {status}.", "{action}成功：任务当前为{status}。";
        SrvAccepted => "{action} was accepted by TPNS; the task still shows {status} and will be refreshed.", "移动推送已接受{action}；任务仍显示为{status}，稍后将刷新。";
        SrvTypePushId => "This task was pushed to all devices: type its push ID {id} to confirm.", "此任务推送给了全部设备：请输入其推送 ID {id} 以确认。";
        SrvNeedTitleContent => "The override needs a title and a content.", "覆盖需要标题和内容。";
        SrvTooLong => "Keep the title under {title} and the content under {content} characters.", "标题请少于 {title} 个字符，内容请少于 {content} 个字符。";
        SrvChooseChoice => "Choose what happens on devices that cannot replace a notification (vivo, OPPO, Honor, FCM, old Huawei): Continue delivery or Abort for these devices.", "请选择不支持覆盖的设备（vivo、OPPO、荣耀、FCM、旧版华为）如何处理：继续下发，或对这些设备不下发。";
        SrvClickIosOnly => "Where a notification opens can be changed for Android tasks only; on iOS the override keeps the original's.", "只有 Android 任务可以更改通知的点击动作；iOS 上的覆盖沿用原消息的点击动作。";
        SrvCorrectedIs => " The corrected message is task {id}.", "更正后的消息为任务 {id}。";
        SrvStillShows => " TPNS still shows it {status}; Pushdeck keeps reading it.", "移动推送仍显示为{status}；Pushdeck 会继续读取。";
        SrvConfirmedByReadBack => "{sentence} — confirmed by reading the task back after: {answer}", "{sentence}——在以下情况后重新读取任务得到确认：{answer}";
        SrvNoAnswer => "TPNS did not answer ({answer}). Whether {action} happened is unknown; Pushdeck keeps checking and the task's history will show the outcome.", "移动推送未答复（{answer}），无法确定{action}是否已执行；Pushdeck 会持续核实，结果将显示在任务的操作记录中。";
        SrvOverrideStaysDisabled => " Override stays disabled on this task until then: a second override could reach every device twice.", "在此之前此任务的覆盖保持不可用：再次覆盖可能让每台设备收到两次。";
        SrvRepeatRefused => "{sentence} TPNS refused the repeated call (code {code}: {upstream}) because the first one had already taken effect.", "{sentence}移动推送拒绝了重复的调用（错误码 {code}：{upstream}），因为第一次调用已经生效。";
        SrvRateLimited => "TPNS is limiting requests (code {code}: {upstream}). Nothing was changed; try again in a moment.", "移动推送正在限制请求（错误码 {code}：{upstream}）。未作任何更改，请稍后重试。";
        SrvUpstreamRefused => "TPNS refused {action} (code {code}): {upstream}. The task was not changed.", "移动推送拒绝了{action}（错误码 {code}）：{upstream}。任务未作更改。";
        SrvRecordMissing => "The action's record is missing; check the task's history.", "找不到该操作的记录，请查看任务的操作记录。";
        SrvStillCarriedOut => "This {action} is still being carried out; its outcome will show on the task.", "此{action}仍在执行中，结果将显示在任务上。";
        SrvNoCollapseId => "TPNS reports no collapse ID for this task, so it cannot be overridden; send a corrected push instead.", "移动推送未返回此任务的 collapse ID，因此无法覆盖；请改为发送一条更正的推送。";
        SrvAudienceUnread => "This task was pushed to {audience}, but Pushdeck has not read which one from TPNS, so an override could not reach the same devices. Refresh the task and try again.", "此任务的推送目标为{audience}，但 Pushdeck 尚未从移动推送读取具体是哪个，覆盖无法送达相同的设备。请刷新任务后重试。";
        SrvTaskNamed => "Task {id}", "任务 {id}";
        SrvAppInLink => "The app named in the link", "链接中的应用";
        SrvConfiguredApp => "A configured app", "已配置的应用";
        SrvBudgetSpent => "The upstream query budget for this hour is spent; the task will be refreshed when it allows.", "本小时的上游查询额度已用完；额度恢复后将刷新此任务。";
        SrvUpstreamNothingChanged => "{upstream}. Nothing was changed.", "{upstream}。未作任何更改。";
        SrvUpstreamTryAgain => "{upstream}. Nothing was changed; try again in a moment.", "{upstream}。未作任何更改，请稍后重试。";
        SrvNotPushId => "That is not a push ID.", "这不是推送 ID。";
        SrvUnknownAction => "Unknown action.", "未知操作。";
        SrvChooseContinueOrAbort => "Choose Continue delivery or Abort for these devices.", "请选择继续下发或对这些设备不下发。";
        SrvMissingKey => "The form is missing its request key; reload the page.", "表单缺少请求标识，请重新加载页面。";
        SrvHuaweiLegacy => "Huawei below EMUI 10 (estimated)", "EMUI 10 以下的华为（估算）";
        SrvDatesLook => "Dates look like 2026-11-27.", "日期格式如 2026-11-27。";
        SrvNotSentStopped => "{action} was not sent: the server carrying it out stopped before calling TPNS.", "{action}未发送：执行它的服务器在调用移动推送之前已停止。";
        SrvReconciledHappened => "{sentence} — reconciled: TPNS shows the task {status}.", "{sentence}——已核实：移动推送显示任务为{status}。";
        SrvReconciledNotHappened => "{action} did not take effect — reconciled: TPNS shows the task {status}.", "{action}未生效——已核实：移动推送显示任务为{status}。";
        SrvReconciledGone => "TPNS no longer knows task {id} (1008015: deleted, or older than the month TPNS keeps), so whether {action} took effect cannot be read any more.", "移动推送已不再保存任务 {id}（1008015：已删除，或早于移动推送保留的一个月），因此无法再读取{action}是否生效。";
        SrvEndBeforeStart => "The end date is before the start date.", "结束日期早于开始日期。";
        SrvBrokenPageLink => "That page link is broken; start again from the first page.", "此分页链接已失效，请从第一页重新开始。";
        SrvTaskOfApp => "{task} of {app}", "{app} 的{task}";
        SrvNotAPushId => "This is not a push ID.", "这不是推送 ID。";
        SrvNotAtTpns => "{task} at TPNS (it may be older than TPNS's one-month window)", "移动推送上的{task}（可能早于移动推送保留的一个月）";
        SrvFromDate => "The “from” date", "开始日期";
        SrvToDate => "The “to” date", "结束日期";
        SrvTheDate => "The date", "日期";
        SrvNotADate => "{which} is not a date like 2026-11-27 (from 1970 on).", "{which}不是形如 2026-11-27 的日期（1970 年起）。";
        SrvOnlyAdminsManage => "Only admins can manage users.", "只有管理员可以管理用户。";
        TheUser => "The user", "该用户";
        SrvUserExists => "A user named {name} already exists.", "名为 {name} 的用户已存在。";
        ChannelTpns => "TPNS channel", "移动推送通道";
        ChannelHuawei => "Huawei", "华为";
        ChannelHonor => "Honor", "荣耀";
        ChannelXiaomi => "Xiaomi", "小米";
        ChannelMeizu => "Meizu", "魅族";
        ChannelHarmony => "HarmonyOS", "鸿蒙";
        SummaryTag => "Tag: {tags}", "标签：{tags}";
        SummaryDevices => "{n} devices", "{n} 台设备";
        SummaryDevice => "{n} device", "{n} 台设备";
        SummaryAccounts => "{n} accounts", "{n} 个账号";
        SummaryAccount => "{n} account", "{n} 个账号";
        TaskCsvHeader => "push_id,created,send_time,status,platform,audience,audience_summary,message_type,title,content,planned,sent,arrived,clicked,cleared,last_synced,source", "推送ID,创建时间,发送时间,状态,平台,推送目标,目标摘要,消息类型,标题,内容,计划下发,已下发,已抵达,已点击,已清除,上次同步,来源";
        CsvHeader => "id,time,user,ip,kind,action,app,push_id,request,upstream_answer,outcome,detail", "编号,时间,用户,地址,类别,操作,应用,推送ID,请求,上游答复,结果,详情";

        // --- The command line (`pushdeck user …`; the language of LANG or PUSHDECK_LANG) ----
        CliAdded => "added {name} ({role})", "已添加 {name}（{role}）";
        CliAddedPassword => "added {name} ({role}); password: {password}", "已添加 {name}（{role}）；密码：{password}";
        CliRoleNow => "{name} is now {role}", "{name} 现在是 {role}";
        CliDisabled => "{name} is disabled; their sessions have ended", "{name} 已停用，其会话已结束";
        CliEnabled => "{name} is enabled again", "{name} 已重新启用";
        CliNewPasswordShown => "{name} has a new password: {password}; their sessions have ended", "{name} 的新密码：{password}；其会话已结束";
        CliNewPassword => "{name} has a new password; their sessions have ended", "{name} 已设置新密码，其会话已结束";
        CliNoSuchUser => "There is no user named {name}.", "没有名为 {name} 的用户。";
        CliUnknownPermission => "unknown permission `{name}`: use terminate, recall, override, cancel", "未知权限 `{name}`：请使用 terminate、recall、override、cancel";
        CliDisabledMark => "disabled", "已停用";
        SrvExportFailed => "The export failed; it has been logged.", "导出失败，已记录日志。";
        SrvLangNotSaved => "Your language could not be saved; please try again.", "未能保存您的语言设置，请重试。";
    }
}
