"""English for every Chinese text the kiosk shows, keyed by the Chinese template.

tests/test_i18n.py fails when a `Text(...)` in the code has no entry here, so a new string
cannot ship in one language only.
"""

ENGLISH: dict[str, str] = {
    # --- fees -----------------------------------------------------------------------------------
    "按所选证书类型收费": "Priced by the certificate types chosen",
    "按证书类型收取更新费用": "Renewal price of each certificate type",
    "只收取USB介质费用": "USB media fee only",
    "按目录收取服务费": "Service fee from the price list",
    "每张证书{amount}（只收取USB介质费用）": "{amount} a certificate (the USB media fee only)",
    "{amount}（按证书类型收取更新费用）": "{amount} (the renewal fee of the certificate type)",
    "{amount}（服务费）": "{amount} (service fee)",
    "免费": "Free",
    "{certificate}：USB介质费": "{certificate}: USB media fee",
    # --- receipts: what happens next -------------------------------------------------------------
    "审核通过后请在“订单查询”中付款；付款后3个工作日内制作证书，按您选择的方式邮寄或到大厅自提": (
        "Once approved, pay under “Order query”; the certificate is made within 3 working days "
        "of payment and mailed or kept at the hall for pick-up, as you chose"
    ),
    "审核通过并付款后，请携带证书盘到任一自助终端，在“订单查询”中下载更新后的证书": (
        "Once approved and paid, bring the key to any kiosk and download the renewed certificate "
        "under “Order query”"
    ),
    "审核通过后，请携带证书盘到任一自助终端，在“订单查询”中下载变更后的证书": (
        "Once approved, bring the key to any kiosk and download the changed certificate under “Order query”"
    ),
    "审核通过并付款后，请携带证书盘到任一自助终端，在“订单查询”中设置新密码完成解锁": (
        "Once approved and paid, bring the key to any kiosk and choose a new PIN under “Order "
        "query” to unlock it"
    ),
    "审核通过后证书立即注销并列入证书吊销列表，结果以短信通知经办人": (
        "Once approved, the certificate is revoked at once and listed in the revocation list; "
        "the handler is told by SMS"
    ),
    "审核通过后，证书按新的领取方式重新寄出或在大厅备好自提，结果以短信通知经办人": (
        "Once approved, the certificate is sent again or kept at the hall as newly chosen; the "
        "handler is told by SMS"
    ),
    # --- sign-in --------------------------------------------------------------------------------
    "本终端尚未在服务器注册，请联系大厅工作人员": "This kiosk is not registered with the server; please ask the hall staff",
    "网络不通，无法发送短信验证码：请大厅工作人员当面核验身份证件，点击“工作人员核验”并输入工作人员PIN": (
        "No network, so no SMS code can be sent: the hall staff check your ID card in person, "
        "press “Staff check” and enter their staff PIN"
    ),
    "验证码已发送至{phone}，{minutes}分钟内有效": "A code was sent to {phone}; it is valid for {minutes} minutes",
    "请输入6位短信验证码": "Please enter the 6-digit SMS code",
    "首次登录即自动注册。验证码将发送到您的手机": (
        "Signing in the first time registers you. The code is sent to your phone"
    ),
    "正在发送验证码…": "Sending the code…",
    "重新获取（{seconds}秒）": "Send again ({seconds} s)",
    "获取验证码": "Send code",
    "请先获取验证码": "Please get a code first",
    "登录 · {business}": "Sign in · {business}",
    "短信验证码": "SMS code",
    "工作人员核验": "Staff check",
    # --- the printer --------------------------------------------------------------------------
    "打印机就绪": "The printer is ready",
    "正在打印": "Printing",
    "打印机缺纸，请联系大厅工作人员添加纸张": "The printer is out of paper; please ask the hall staff to add some",
    "打印机卡纸，请联系大厅工作人员处理": "The printer has a paper jam; please ask the hall staff",
    "打印机盖板未关好，请联系大厅工作人员": "A printer cover is open; please ask the hall staff",
    "打印机墨粉用完，请联系大厅工作人员": "The printer is out of toner; please ask the hall staff",
    "打印机未连接或未开机，请联系大厅工作人员": (
        "The printer is not connected or not switched on; please ask the hall staff"
    ),
    "打印机已暂停，请联系大厅工作人员": "The printer is paused; please ask the hall staff",
    "打印机暂不接受打印任务，请联系大厅工作人员": "The printer is not taking jobs; please ask the hall staff",
    "未找到打印机，请联系大厅工作人员": "No printer was found; please ask the hall staff",
    "打印服务未运行，请联系大厅工作人员": "The print service is not running; please ask the hall staff",
    "打印机故障，请联系大厅工作人员": "The printer has a fault; please ask the hall staff",
    "正在发送到打印机…": "Sending to the printer…",
    "正在打印，请稍候…": "Printing, one moment…",
    "打印完成，请在出纸口取走": "Printed; please take it from the output tray",
    "{problem}。表格已保留，打印机恢复后将自动打印": (
        "{problem}. Your form is kept and prints as soon as the printer is back"
    ),
    "已取消打印，可稍后重新打印": "Printing cancelled; you can print it again later",
    "打印任务被取消，请重新打印": "The print job was cancelled; please print again",
    "等待打印": "Waiting to print",
    "已打印": "Printed",
    "未打印": "Not printed",
    "重新打印": "Print again",
    "稍后打印": "Print later",
    "完成打印": "Done",
    "正在准备打印…": "Getting ready to print…",
    "正在重新打印…": "Printing again…",
    "将打印以下表格，请在出纸口取走：": "These forms are printed; take them from the output tray:",
    "已保留，等待打印机": "Kept, waiting for the printer",
    "全部打印完成，请取走表格后点击“完成打印”": "Everything is printed: take the forms, then press “Done”",
    "打印测试页": "Print a test page",
    # --- the receipt ----------------------------------------------------------------------------
    "业务受理回执": "Receipt",
    "已保存在本机，联网后自动提交，无需再次办理": (
        "Saved on this kiosk; it is sent by itself once the network is back, nothing to do again"
    ),
    "资料审核一般在1个工作日内完成，结果以短信通知经办人手机{phone}": (
        "The review usually takes 1 working day; the result is sent by SMS to the handler's phone {phone}"
    ),
    "请妥善保管本回执。凭订单号可在任一自助终端的“订单查询”中查看和继续办理。": (
        "Keep this receipt. With the order number, any kiosk's “Order query” shows the order and "
        "carries it on."
    ),
    "扫码查看订单进度": "Scan to follow the order",
    "订单号": "Order number",
    "业务": "Business",
    "单位": "Unit",
    "当前状态": "Status",
    "受理日期": "Accepted on",
    "证书类型": "Certificate types",
    "费用": "Fee",
    "经办人": "Handler",
    "接下来": "What happens next",
    "回执": "Receipt",
    # --- documents ----------------------------------------------------------------------------
    "数字证书申请表": "Digital certificate application form",
    "经办人签字并加盖单位公章后拍摄": (
        "Signed by the handler and stamped with the unit seal, then photographed"
    ),
    "公章印样表": "Seal sample form",
    "在印样框内加盖单位公章后拍摄": "Stamp the unit seal in the sample box, then photograph it",
    "营业执照复印件": "Copy of the business licence",
    "工商营业执照、事业单位法人证书或统一社会信用代码证复印件，加盖公章": (
        "Copy of the business licence, public institution certificate or unified social "
        "credit code certificate, stamped"
    ),
    "法人代表身份证复印件": "Copy of the legal representative's ID card",
    "正反面复印在同一页，加盖公章": "Both sides on one page, stamped",
    "经办人身份证复印件": "Copy of the handler's ID card",
    "情况说明": "Situation statement",
    "写明改派原因，加盖公章后拍摄": "State the reason for redirecting, stamp it, then photograph it",
    # --- operation types on the form ----------------------------------------------------------
    "证书申请": "Certificate application",
    "证书更新": "Renewal",
    "证书补办": "Reissue",
    "PIN码解锁": "PIN unlock",
    "其它": "Other",
    "证书信息变更": "Certificate information change",
    # --- businesses ---------------------------------------------------------------------------
    "证书新办": "New certificate",
    "首次办理证书的新用户": "First certificate for a new subscriber",
    "延长证书有效期": "Extend a certificate's validity",
    "如单位信息已发生变化，请先办理证书变更，再办理证书更新": (
        "If the unit's information has changed, do an information change first, then the renewal"
    ),
    "证书变更": "Information change",
    "证书或单位信息发生变更": "The certificate's or the unit's information changed",
    "证书盘损坏、丢失后补办": "Key broken or lost: issue it again",
    "在线解锁": "Unlock key",
    "证书盘密码遗忘或被锁定": "Key password forgotten or key locked",
    "证书注销": "Revoke",
    "证书盘丢失，注销防冒用": "Key lost: revoke the certificate against misuse",
    "改派": "Redirect shipment",
    "改址、自提改邮寄、重寄": "Change address, pickup to mail, resend a returned parcel",
    # --- validators ---------------------------------------------------------------------------
    "请填写{field}": "Please fill in {field}",
    "{field}应为18位，当前为{count}位": "{field} must have 18 characters, it has {count}",
    "{field}第{position}位“{char}”无效：只能是数字或大写字母（不含I、O、Z、S、V）": (
        '{field}: character {position} "{char}" is not allowed: only digits and capital '
        "letters (not I, O, Z, S, V)"
    ),
    "{field}第1位（登记管理部门代码）“{char}”无效": (
        '{field}: the first character (registration authority) "{char}" is not valid'
    ),
    "{field}第3至8位应为行政区划代码（6位数字）": (
        "{field}: characters 3 to 8 must be the region code (6 digits)"
    ),
    "{field}校验位不符，请逐位核对": (
        "{field}: the check character does not match; please check every character"
    ),
    "15位旧{field}已停用，请填写18位{field}": (
        "The old 15-digit {field} is no longer valid; please enter the 18-character {field}"
    ),
    "{field}第{position}位“{char}”应为数字": '{field}: character {position} "{char}" must be a digit',
    "{field}第18位应为数字或X": "{field}: the 18th character must be a digit or X",
    "{field}前6位（地址码）“{code}”不是有效的行政区划代码": (
        '{field}: the first 6 digits "{code}" are not a valid region code'
    ),
    "{field}中的出生日期“{birth}”不存在": '{field}: the birth date "{birth}" does not exist',
    "{field}中的出生日期“{birth}”晚于今天": '{field}: the birth date "{birth}" is after today',
    "{field}中的出生年份{year}不合理": "{field}: the birth year {year} is not plausible",
    "请填写纳税人识别号": "Please fill in the taxpayer ID",
    "纳税人识别号应为15、18或20位，当前为{count}位": (
        "The taxpayer ID must have 15, 18 or 20 characters, it has {count}"
    ),
    "纳税人识别号中的“{char}”无效：只能是数字和大写字母": (
        'Taxpayer ID: "{char}" is not allowed: only digits and capital letters'
    ),
    "纳税人识别号校验位不符：18位的纳税人识别号即统一社会信用代码，请逐位核对": (
        "Taxpayer ID: the check character does not match; an 18-character taxpayer ID is the "
        "unified social credit code, please check every character"
    ),
    "纳税人识别号前6位应为行政区划代码（6位数字）": (
        "Taxpayer ID: the first 6 characters must be the region code (6 digits)"
    ),
    "{field}只能包含数字": "{field} may contain digits only",
    "{field}应为11位数字，当前为{count}位": "{field} must have 11 digits, it has {count}",
    "{field}应以13至19开头": "{field} must start with 13 to 19",
    "{field}格式不正确，例如 023-12345678 或 13812345678": (
        "{field} is not a phone number, e.g. 023-12345678 or 13812345678"
    ),
    "{field}太长（最多254个字符）": "{field} is too long (254 characters at most)",
    "{field}应包含一个“@”，例如 name@example.com": '{field} needs one "@", e.g. name@example.com',
    "{field}“@”前面只能是英文字母、数字和 . _ % + - 符号": (
        '{field}: before the "@" only letters, digits and . _ % + - are allowed'
    ),
    "{field}“@”前面的“.”不能在开头、结尾或连续出现": (
        '{field}: a "." before the "@" cannot start, end or repeat'
    ),
    "{field}的域名“{domain}”不完整或有误，例如 example.com": (
        '{field}: the domain "{domain}" is incomplete or wrong, e.g. example.com'
    ),
    "请填写银行账号": "Please fill in the bank account",
    "银行账号只能包含数字": "The bank account may contain digits only",
    "银行账号应为8至30位数字，当前为{count}位": ("The bank account must have 8 to 30 digits, it has {count}"),
    "{field}只能包含汉字和间隔号“·”，不能包含“{char}”": (
        '{field} may contain Chinese characters and the middle dot "·" only, not "{char}"'
    ),
    "{field}中的间隔号“·”不能在开头、结尾或连续出现": (
        '{field}: the middle dot "·" cannot start, end or repeat'
    ),
    "{field}至少2个汉字": "{field} needs at least 2 Chinese characters",
    "{field}最多30个字": "{field} has 30 characters at most",
    "{field}含有不可见字符{char}，请重新输入": (
        "{field} contains the invisible character {char}; please type it again"
    ),
    "{field}不能包含“{char}”": '{field} cannot contain "{char}"',
    "{field}应包含汉字或字母": "{field} must contain Chinese characters or letters",
    "{field}至少2个字": "{field} needs at least 2 characters",
    "{field}最多100个字，当前为{count}个字": "{field} has 100 characters at most, it has {count}",
    "请填写完整的{field}：省、市、区县、街道和门牌号": (
        "Please give the full {field}: province, city, district, street and number"
    ),
    "{field}最多120个字": "{field} has 120 characters at most",
    "{field}最多{limit}个字，当前为{count}个字": "{field} has {limit} characters at most, it has {count}",
    # --- field names --------------------------------------------------------------------------
    "统一社会信用代码": "Unified social credit code",
    "身份证号码": "ID number",
    "手机号码": "Mobile number",
    "电话": "Phone",
    "电子邮箱": "E-mail",
    "姓名": "Name",
    "单位名称": "Unit name",
    "企业名称": "Company name",
    "法人姓名": "Legal representative's name",
    "法人身份证号码": "Legal representative's ID number",
    "法人移动电话": "Legal representative's mobile",
    "发票类型": "Invoice type",
    "发票抬头": "Invoice title",
    "纳税人识别号": "Taxpayer ID",
    "开户银行": "Bank",
    "银行账号": "Bank account",
    "购买方开票信息电话": "Buyer's invoice phone",
    "注册地址": "Registered address",
    "经办人姓名": "Handler's name",
    "经办人身份证号码": "Handler's ID number",
    "经办人移动电话": "Handler's mobile",
    "经办人电子邮箱": "Handler's e-mail",
    "收件人": "Recipient",
    "收件人电话": "Recipient's phone",
    "邮寄地址": "Mailing address",
    "改派原因": "Reason for redirecting",
    # --- form sections and rules ----------------------------------------------------------------
    "证书信息": "Certificate",
    "单位信息": "Unit",
    "发票信息": "Invoice",
    "经办人信息": "Handler",
    "领取方式": "Delivery",
    "请选择{field}": "Please choose {field}",
    "发票抬头应与单位名称一致": "The invoice title must be the unit name",
    "发票抬头应与单位名称“{unit}”一致": 'The invoice title must be the unit name "{unit}"',
    "增值税专用发票须填写{field}": "A VAT special invoice needs {field}",
    "邮寄须填写{field}": "Mail delivery needs {field}",
    "普通电子发票": "Ordinary e-invoice",
    "增值税专用发票": "VAT special invoice",
    "邮寄": "Mail",
    "自提": "Self-pickup",
    "邮寄地址填写错误": "The mailing address was wrong",
    "自提改邮寄": "Mail instead of self-pickup",
    "退回件重新邮寄": "Resend a returned parcel",
    # --- steps --------------------------------------------------------------------------------
    "登录": "Sign in",
    "网络不通，无法发送短信验证码：请联系大厅工作人员当面核验身份": (
        "No network, so no SMS code can be sent: please ask the hall staff to check your identity in person"
    ),
    "插入证书": "Insert key",
    "选择订单": "Choose order",
    "网络不通，只能选择在本机办理的订单": "No network: only orders made at this kiosk can be chosen",
    "项目选择": "Project",
    "录入信息": "Information",
    "核对信息": "Review",
    "打印表格": "Print forms",
    "拍摄资料": "Capture documents",
    "提交": "Submit",
    "网络不通：订单已保存在本机，联网后自动提交，不会丢失": (
        "No network: the order is saved on this kiosk and is sent automatically when the network "
        "returns; nothing is lost"
    ),
    "打印回执": "Print receipt",
    "付款": "Pay",
    "网络不通，暂时无法付款，请稍后在“订单查询”中付款": (
        'No network, so payment is not possible now; pay later from "Order query"'
    ),
    "下载证书": "Download certificate",
    "网络不通，暂时无法下载证书，请稍后在“订单查询”中下载": (
        'No network, so the certificate cannot be downloaded now; download it later from "Order query"'
    ),
    "解锁": "Unlock",
    "网络不通，暂时无法解锁，请稍后在“订单查询”中解锁": (
        'No network, so the key cannot be unlocked now; unlock it later from "Order query"'
    ),
    # --- catalog ------------------------------------------------------------------------------
    "项目所属区域": "Region",
    "项目所属平台": "Platform",
    "项目大类": "Category",
    "子项目": "Sub-project",
    "市场主体": "Market role",
    "请至少选择一种证书": "Please choose at least one certificate",
    "请选择完整的项目：区域、平台、项目大类、子项目和市场主体": (
        "Please choose the whole project: region, platform, category, sub-project and market role"
    ),
    "“{certificate}”不属于“{role}”可办理的证书": '"{certificate}" is not offered to "{role}"',
    "“{certificate}”必须办理（{condition}如是，可不办理）": (
        '"{certificate}" is required (not needed if the answer to "{condition}" is yes)'
    ),
    "“{certificate}”必须办理": '"{certificate}" is required',
    # --- order states -------------------------------------------------------------------------
    "草稿": "Draft",
    "资料待审核": "Awaiting review",
    "审核驳回": "Rejected",
    "待付款": "Awaiting payment",
    "待发货": "Awaiting shipment",
    "待下载": "Awaiting download",
    "待解锁": "Awaiting unlock",
    "完成": "Completed",
    "已取消": "Cancelled",
    "订单状态不能从“{current}”变为“{target}”": 'An order cannot go from "{current}" to "{target}"',
    # --- home, guides and status line -----------------------------------------------------------
    "数字证书自助服务终端": "Digital Certificate Self-Service Kiosk",
    "请选择要办理的业务": "Please choose a service",
    "订单查询": "Order query",
    "查看、付款、下载、解锁": "Status, payment, download, unlock",
    "等待审核，一般1个工作日内完成": "Waiting for review, usually within one working day",
    "查看驳回原因，只修改被驳回的信息或资料后重新提交": (
        "See why it was rejected, fix only what was rejected and submit again"
    ),
    "付款：微信或支付宝扫码": "Pay: scan with WeChat or Alipay",
    "等待发货或到大厅自提；可办理改派": "Waiting to be shipped or picked up; can be redirected",
    "插入证书，验证密码后下载新证书": "Insert the key, enter its password, download the new certificate",
    "插入证书，设置新密码": "Insert the key and set a new password",
    "已完成；邮寄的订单可查看物流单号": "Done; mailed orders show their tracking number",
    "订单已取消": "The order was cancelled",
    "请准备以下资料（所有复印件一律加盖单位公章）：": (
        "Please prepare these documents (every copy stamped with the unit seal):"
    ),
    "本机打印": "printed here",
    "自带": "bring your own",
    "办理步骤：": "Steps:",
    "费用：{rule}": "Fee: {rule}",
    "网络中断时：可以填写、打印、拍摄并提交，订单保存在本机，联网后自动上传": (
        "Without network you can still fill in, print, capture and submit: the order is kept on "
        "this kiosk and sent when the network returns"
    ),
    "登录需要短信验证码；网络中断时，请大厅工作人员当面核验身份": (
        "Signing in needs an SMS code; without network, hall staff check your identity in person"
    ),
    "登录后可查询本人的全部订单，并继续办理下一步：": (
        "After signing in you see all your orders and continue with the next step:"
    ),
    "返回首页": "Home",
    "请携带要办理的数字证书（USB Key），办理时插入读卡口，完成前请勿拔出": (
        "Bring the certificate key (USB key), insert it in the slot, and do not pull it out "
        "until the business is done"
    ),
    "审核通过后（一般1个工作日）：{steps}": "After approval (usually one working day): {steps}",
    "需要联网的步骤：{steps}": "Steps that need the network: {steps}",
    "在线": "Online",
    "离线": "Offline",
    "未连接后台": "Backend not connected",
    "{link} · 无待同步订单": "{link} · nothing waiting to sync",
    "{link} · {count} 单待同步": "{link} · {count} orders waiting to sync",
    "{waiting} · {count} 单需工作人员处理": "{waiting} · {count} need the staff",
    "暂停服务": "Out of service",
    "本机暂时无法办理业务，请到人工窗口办理，给您带来不便敬请谅解": (
        "This kiosk cannot serve right now. Please go to a staffed counter; we apologise for the "
        "inconvenience"
    ),
    "您还在办理吗？": "Are you still there?",
    "{seconds}秒后将返回首页，并清除本次填写的内容": (
        "In {seconds} seconds the kiosk returns home and clears what you entered"
    ),
    "继续办理": "Continue",
    # --- staff ----------------------------------------------------------------------------------
    "工作人员登录": "Staff sign-in",
    "请输入工作人员PIN": "Staff PIN",
    "确定": "OK",
    "取消": "Cancel",
    "配置有误，无法验证工作人员PIN，请由技术人员处理": (
        "The settings are broken, so no staff PIN can be checked; a technician must fix the kiosk"
    ),
    "错误次数过多，已锁定，请{minutes}分{seconds}秒后再试": (
        "Too many wrong PINs: locked, try again in {minutes} min {seconds} s"
    ),
    "终端编号：{kiosk_id}": "Kiosk: {kiosk_id}",
    "退出程序": "Exit the kiosk app",
    # --- the reference backend's refusals ---
    "该订单不是解锁业务": "This order is not an unlock",
    "订单尚未审核通过，不能解锁": "The order has not been approved yet: the key cannot be unlocked",
    "插入的证书盘（芯片号{serial}）不是该订单的证书盘": "The key inserted (chip number {serial}) is not this order's key",
    "工作人员工号或PIN不正确": "Wrong staff number or PIN",
    "该证书盘需由大厅工作人员授权后才能解锁": "This key can be unlocked only after a member of the hall staff authorises it",
    "证书盘未登记，请联系工作人员": "This key is not registered; please ask the staff",
    "没有找到该解锁授权": "No such unlock grant",
    "该解锁授权已使用": "This unlock grant has been used",
    "解锁授权已过期，请重新申请": "The unlock grant has expired; please ask for a new one",
    "没有找到该订单": "No such order",
    "请求缺少设备凭证": "The request carries no device credentials",
    "请求时间与服务器相差过大，请校准终端时钟": "The request's time is too far from the server's; set the kiosk's clock",
    "设备凭证格式不正确": "The device credentials are malformed",
    "终端未登记": "This kiosk is not enrolled",
    "终端已被停用": "This kiosk has been revoked",
    "设备签名不正确": "The device signature does not verify",
    "重复的请求已被拒绝": "A repeated request was refused",
    "该业务免费，无需付款": "This service is free: nothing to pay",
    "订单当前状态不能付款": "The order cannot be paid in its current state",
    "支付通知签名不正确": "The payment notice's signature does not verify",
    "没有找到该笔支付": "No such payment",
    "支付金额与订单金额不符": "The amount paid does not match the order",
    "支付已超时，请重新发起付款": "The payment timed out; please start the payment again",
    "格式不正确：{detail}": "Malformed: {detail}",
    "没有这个接口": "No such endpoint",
    "请求无法处理": "The request cannot be handled",
    "请求内容格式不正确": "The request is malformed",
    "登录已过期，请重新登录": "Your sign-in has expired; please sign in again",
    "需要审核员凭证": "Reviewer credentials are required",
    "图片超过3MB，请重新拍摄或压缩后上传": "The image is over 3 MB; capture it again or compress it before uploading",
    "驳回须写明原因": "A rejection needs a reason",
    "该号码今日获取验证码次数过多，请稍后再试": "Too many codes for this number; please try again later",
    "本终端获取验证码过于频繁，请稍后再试": "Too many codes requested at this kiosk; please try again later",
    "本终端验证码错误次数过多，请稍后再试": "Too many wrong codes at this kiosk; please try again later",
    "验证码已发送，请{seconds}秒后再试": "A code was sent; you can ask again in {seconds} seconds",
    "验证码已失效，请重新获取": "The code is no longer valid; please ask for a new one",
    "验证码不正确，还可尝试{count}次": "Wrong code; {count} tries left",
    "订单当前状态不能下载证书": "The certificate cannot be downloaded in the order's current state",
    "请插入办理该业务的证书盘（芯片号{serial}）": "Please insert the key of this order (chip number {serial})",
    "订单缺少单位名称或统一社会信用代码，无法签发证书": "The order has no unit name or unified social credit code: no certificate can be issued",
    "该证书已下载到另一把证书盘": "This certificate was downloaded to another key",
    "证书请求无效：{detail}": "The certificate request is invalid: {detail}",
    "文件是空的": "The file is empty",
    "文件在传输中损坏（校验值不符），请重新上传": "The file was damaged on the way (checksum mismatch); please upload it again",
    "只接受jpg、jpeg、bmp、gif、png格式的图片": "Only jpg, jpeg, bmp, gif and png images are accepted",
    "订单当前状态不能更换资料": "Documents cannot be replaced in the order's current state",
    "订单当前状态不能修改资料": "The information cannot be changed in the order's current state",
    "请上传{document}": "Please upload the {document}",
    "资料不完整，请按提示补充": "Some information is missing; please complete it as shown",
    "该订单不是自提订单": "This order is not for pickup",
    "未知的证书类型：{code}": "Unknown certificate type: {code}",
    "订单号已被另一笔订单使用": "This order number belongs to another order",
    "没有找到要改派的订单": "The order to redirect was not found",
    "提交次序不符，请联系工作人员": "The submissions are out of order; please ask the staff",
    # --- backend client and sync ---------------------------------------------------------------
    "后台没有及时回应，订单已保存在本机，稍后自动重试": (
        "The CA did not answer in time. The order is kept on this kiosk and will be sent automatically"
    ),
    "连接不上后台，订单已保存在本机，联网后自动发送": (
        "Cannot reach the CA. The order is kept on this kiosk and will be sent once the network is back"
    ),
    "后台暂时出现故障，稍后自动重试": "The CA's system has a temporary fault; the kiosk will try again",
    "本终端未获后台授权，请联系工作人员": "This kiosk is not authorised by the CA; please ask the staff",
    "后台拒绝了这个请求": "The CA refused this request",
    "同步出错，订单仍保存在本机，稍后自动重试": (
        "The sync failed; the orders are kept on this kiosk and will be sent later"
    ),
    "后台的回答不符合约定，稍后自动重试": "The CA's answer was not understood; the kiosk will try again",
    # --- token slot (USB key) -----------------------------------------------------------------
    "请插入证书盘": "Please insert your USB key",
    "本机的证书盘驱动未安装或无法加载，请联系大厅工作人员": (
        "This kiosk's USB key driver is missing or does not load. Please ask the hall staff"
    ),
    "证书盘已被拔出，操作未完成。请重新插入证书盘，本机会自动检查并恢复": (
        "The USB key was pulled out before the operation finished. Insert it again: the kiosk "
        "checks it and puts it right"
    ),
    "PIN码错误，请重新输入": "Wrong PIN. Please enter it again",
    "PIN码错误。剩余尝试次数不多，请仔细核对后再输入": (
        "Wrong PIN. Few tries are left: check it carefully before entering it again"
    ),
    "PIN码错误。只剩最后一次机会，再错一次证书盘将被锁定": (
        "Wrong PIN. This is your last try: one more wrong PIN locks the USB key"
    ),
    "证书盘PIN码已被锁定，请办理“在线解锁”业务": (
        "The USB key's PIN is locked. Please use the Online unlock service"
    ),
    "证书盘管理员PIN码与登记的不一致，无法自助解锁，请联系大厅工作人员": (
        "The USB key's administrator PIN does not match the CA's records, so it cannot be "
        "unlocked here. Please ask the hall staff"
    ),
    "证书盘不接受该PIN码（长度或字符不符合要求）": (
        "The USB key does not accept this PIN (wrong length or characters)"
    ),
    "下发的证书与证书盘中的新密钥不匹配，原证书保持可用。请联系大厅工作人员": (
        "The certificate issued does not match the new key on the USB key; your old certificate "
        "still works. Please ask the hall staff"
    ),
    "证书盘上没有可更新的证书，请办理“证书新办”": (
        "There is no certificate on this USB key to renew. Please apply for a new certificate"
    ),
    "证书盘操作失败，请重新插入证书盘后再试": (
        "The USB key operation failed. Please insert the key again and retry"
    ),
    "证书盘尚未设置PIN码": "This USB key has no PIN set yet",
    "只剩最后一次输入PIN码的机会，输错证书盘将被锁定": (
        "You have one PIN try left: a wrong PIN locks the USB key"
    ),
    "此前PIN码已输错多次，剩余尝试次数不多": ("The PIN has been entered wrongly before; few tries are left"),
    "该证书盘不是空白证书盘，不能现场制证。请插入本大厅发售的空白证书盘": (
        "This USB key is not blank, so a certificate cannot be made on it here. Please insert a "
        "blank key sold by this hall"
    ),
    "该证书盘不支持SM2密钥，请选择其他密钥类型或联系工作人员": (
        "This USB key does not support SM2 keys. Choose another key type or ask the staff"
    ),
    "该证书盘上的密钥类型无法识别": "The key type on this USB key is not recognised",
    "该证书盘已登记，不能重新登记": "This USB key is already registered and cannot be registered again",
    "请输入新的证书盘PIN码": "Please enter a new PIN for the USB key",
    "PIN码须为{low}至{high}位": "The PIN must be {low} to {high} characters long",
    "PIN码只能包含数字和英文字母": "The PIN may contain only digits and English letters",
    "PIN码不能全部是同一个字符": "The PIN cannot be one character repeated",
    "PIN码不能是连续的数字或字母（如123456）": (
        "The PIN cannot be a run of consecutive digits or letters (such as 123456)"
    ),
    "两次输入的PIN码不一致，请重新输入": "The two PINs differ. Please enter them again",
    "该证书盘（芯片号{serial}）可在本机自助解锁": (
        "This USB key (chip number {serial}) can be unlocked at this kiosk by yourself"
    ),
    "该证书盘（芯片号{serial}）须由大厅工作人员在本机授权后解锁，或联系客服远程协助": (
        "This USB key (chip number {serial}) can be unlocked only once a hall staff member "
        "authorises it at this kiosk, or with remote help from customer service"
    ),
    "无法识别该证书盘（芯片号{serial}）的型号，不能自助解锁，请联系大厅工作人员": (
        "The model of this USB key (chip number {serial}) is not recognised, so it cannot be "
        "unlocked here. Please ask the hall staff"
    ),
    # --- document camera -------------------------------------------------------------------------
    "请将文件平放在拍摄区内": "Lay the document flat in the capture area",
    "请把整页放入框内": "Put the whole page inside the frame",
    "请保持静止": "Hold still",
    "反光，请调整角度": "Glare: please change the angle",
    "请加盖公章": "Please stamp the unit seal on it",
    "图片无法保存，请重新拍摄": "The picture could not be saved. Please take it again",
    "图片无法压缩到3MB以内，请重新拍摄": "The picture cannot be made smaller than 3 MB. Please take it again",
    "只能导入jpg、jpeg、bmp、gif或png格式的图片": "Only jpg, jpeg, bmp, gif or png pictures can be imported",
    "图片文件已损坏，无法打开，请换一张": "The picture file is damaged and cannot be opened. Please choose another",
    "未检测到文件拍摄仪，请联系大厅工作人员": "No document camera found. Please ask the hall staff",
    "文件拍摄仪没有画面，请稍候重试或联系大厅工作人员": (
        "The document camera shows no picture. Please try again shortly or ask the hall staff"
    ),
    "已拍摄，请换下一份文件": "Captured. Please put down the next document",
    "请保持静止，即将自动拍摄": "Hold still: capturing in a moment",
    "可以点击“拍摄”": "You can press “Capture”",
    "资料已拍摄齐全，请点击“完成拍摄”": "All documents are captured. Please press “Finish”",
    "正在打开文件拍摄仪…": "Opening the document camera…",
    "摄像头测试": "Camera test",
    "需拍摄的资料（复印件须加盖公章）：": "Documents to capture (copies must carry the unit seal):",
    "已拍摄": "captured",
    "待拍摄": "to capture",
    "拍摄": "Capture",
    "重拍": "Retake",
    "导入图片": "Import picture",
    "重试": "Try again",
    "完成拍摄": "Finish",
    "返回": "Back",
    "{document}：{size} KB": "{document}: {size} KB",
    "终端尚未就绪，请稍候": "The kiosk is not ready yet. Please wait a moment",
    "无法读取该文件，请换一个文件或重新插入U盘": "The file cannot be read. Please choose another or reinsert the USB stick",
    "本机存储空间已满，本页未保存，请联系工作人员；已拍摄的页面都在": (
        "This kiosk's storage is full and this page was not saved. Please ask the staff;"
        " the pages already captured are kept"
    ),
    "{number}. {title}（{where}）— {hint}": "{number}. {title} ({where}) — {hint}",
    "{type}（{kind}）{price}": "{type} ({kind}) {price}",
    "请拿走已拍摄的文件，放入：{document}": "Take the captured page away and put down: {document}",
    "第{number}份，共{total}份：{document}（{hint}）": "{number} of {total}: {document} ({hint})",
    "{problem}。也可以点击“导入图片”": "{problem}. You can also press “Import picture”",
    "正在导入…": "Importing…",
    "已保存：{document}": "Saved: {document}",
    "还缺少：{documents}": "Still missing: {documents}",
    "导入图片：{document}": "Import a picture: {document}",
    "请插入U盘，选择jpg、jpeg、bmp、gif或png图片（不超过3MB的原样使用）": (
        "Insert a USB stick and choose a jpg, jpeg, bmp, gif or png picture (one under 3 MB is used as it is)"
    ),
    "正在查找图片…": "Looking for pictures…",
    "刷新": "Refresh",
    "没有找到文件，请插入U盘后点击“刷新”": "No files found. Insert a USB stick and press “Refresh”",
    # --- the journey: steps, order query, payment ---
    "{business} · 第{number}步/共{total}步 · {step}": "{business} · step {number} of {total} · {step}",
    "已保存在本机，联网后自动提交": "Saved on this kiosk; sent when the network is back",
    "正在查询订单…": "Looking up your orders…",
    "驳回原因：{reason}": "Reason for rejection: {reason}",
    "{business} · 付款": "{business} · Payment",
    "订单号：{order}": "Order number: {order}",
    "业务：{business}": "Service: {business}",
    "办理日期：{day}": "Date: {day}",
    "状态：{status}": "Status: {status}",
    "需修改：{field}（{note}）": "To correct: {field} ({note})",
    "需重新拍摄：{document}（{note}）": "To capture again: {document} ({note})",
    "领取方式：到服务大厅自提": "Collection: at the service hall",
    "快递：{carrier}，运单号：{number}": "Courier: {carrier}, tracking number: {number}",
    "寄往：{address}": "Sent to: {address}",
    "到服务大厅自提": "Self-pickup at the service hall",
    "邮寄至{address}": "By mail to {address}",
    "费用：{amount}": "Fee: {amount}",
    "费用：免费": "Fee: free",
    "该订单的资料不在本机，请到原办理终端或服务窗口修改": "This order's details are not on this kiosk. Please correct them at the kiosk where you applied, or at the service counter",
    "下一步：{action}": "Next: {action}",
    "共{count}个订单": "Orders: {count}",
    "没有找到您的订单": "No orders found for you",
    "网络不通：只显示本机保存的订单，状态可能不是最新": "No network: only the orders saved on this kiosk are shown, and their status may be out of date",
    "已在服务大厅自提": "Collected at the service hall",
    "{business} · 补打回执": "{business} · Print the receipt again",
    "订单查询 · {phone}": "My orders · {phone}",
    "修改并重新提交": "Correct and resubmit",
    "补打回执": "Print receipt again",
    "请在左侧选择订单查看详情": "Choose an order on the left to see its details",
    "放弃办理并返回首页？本次未提交的信息和拍摄的资料将被清除": "Stop and go back to the start? What you entered and captured, not yet submitted, will be cleared",
    "放弃并返回首页": "Stop and go home",
    "下一步": "Next",
    "上一步": "Previous",
    "还有{count}处需要填写或修改，请看红字提示": "{count} fields still need filling in or correcting: see the red notes",
    "审核意见：{note}": "Reviewer's note: {note}",
    "填入演示数据": "Fill in demo data",
    "审核未通过：请只修改下面标出的信息": "Not approved: please correct only the marked details below",
    "确认无误": "All correct",
    "{label}：{value}": "{label}: {value}",
    "【{section}】": "[{section}]",
    "请核对以下信息，确认无误后点击“确认无误”；需要修改请点“上一步”": "Please check the details below and press “All correct”; to change something, press “Previous”",
    "费用合计：{amount}": "Total fee: {amount}",
    "所需资料（签字盖章后拍摄）：": "Documents needed (signed and stamped, then captured):",
    "证书应用项目": "Project",
    "登录查询": "Sign in to look up",
    "开始办理": "Start",
    "费用合计：{amount}（审核通过后付款）": "Total fee: {amount} (paid after approval)",
    "必须办理": "required",
    "可选": "optional",
    "可不办理": "not needed",
    "请选择{level}": "Please choose the {level}",
    "请选择证书类型：": "Please choose the certificate types:",
    "已选择：": "Chosen so far:",
    "（尚未选择）": "(nothing yet)",
    "请选择付款方式": "Please choose how to pay",
    "请用手机{channel}扫描二维码，付款{amount}": "Scan the QR code with {channel} on your phone to pay {amount}",
    "付款成功，谢谢！证书将按订单的领取方式送达": "Paid, thank you! Your certificate will be delivered as chosen in the order",
    "二维码已过期，请点击“重新付款”": "The QR code has expired. Please press “Pay again”",
    "正在生成付款二维码…": "Making the payment QR code…",
    "微信支付": "WeChat Pay",
    "支付宝": "Alipay",
    "应付金额：{amount}": "Amount due: {amount}",
    "请在{minutes}分{seconds}秒内完成付款": "Please pay within {minutes} min {seconds} s",
    "重新付款": "Pay again",
    "取消付款": "Cancel payment",
    "演示：模拟手机付款": "Demo: pay as the phone would",
    "正在发送到审核中心…": "Sending to the review centre…",
    "审核中心已收到，请等待审核（一般1个工作日），结果将以短信通知": "The review centre has received it. Review usually takes 1 working day; you will get the result by SMS",
    "订单已保存在本机，提交时遇到问题，工作人员会处理，无需重新办理": "The order is saved on this kiosk. Sending it met a problem that staff will resolve; you need not apply again",
    "确认提交": "Submit",
    "费用：{amount}（审核通过后付款）": "Fee: {amount} (paid after approval)",
    "还缺少：{document}": "Still missing: {document}",
    "提交后信息不能再修改，请确认后点击“确认提交”": "After submitting, the details cannot be changed. Press “Submit” when you are sure",
    "提交失败，订单仍保存在本机，请联系大厅工作人员": "Submitting failed. The order is still saved on this kiosk; please ask the hall staff",
    "信息还有{count}处需要修改，请点“上一步”": "{count} details still need correcting: press “Previous”",
    "资料：": "Documents:",
    "改为办理“{business}”": "Switch to “{business}”",
    "证书盘上没有证书": "There is no certificate on the key",
    "本机只能办理本CA签发的证书，请联系签发该证书的机构": "This kiosk handles only certificates issued by this CA; please contact the issuer of this certificate",
    "证书盘PIN码已被锁定": "The key's PIN is locked",
    "证书盘状态正常": "The key is in good order",
    "该证书不是本CA签发的（签发者：{issuer}）": "This certificate was not issued by this CA (issuer: {issuer})",
    "下载新证书需要PIN码：请先办理“在线解锁”": "Downloading the new certificate needs the PIN: please do “Online unlock” first",
    "证书已于{date}过期": "The certificate expired on {date}",
    "证书已过期，不能变更，请办理“证书更新”：新证书按填写的单位信息签发": (
        "The certificate has expired and cannot be changed. Please choose “Renewal”: the new"
        " certificate is issued with the unit information you enter"
    ),
    "原证书已过期，不能变更，请办理“证书更新”": (
        "The certificate to be changed has expired. Please choose “Renewal”"
    ),
    "证书将于{date}到期（还剩{days}天），建议办理“证书更新”": "The certificate expires on {date} ({days} days left); “Renewal” is recommended",
    "{business} · 下载证书": "{business} · Download the certificate",
    "{business} · 解锁": "{business} · Unlock",
    "正在处理，请勿拔出证书盘…": "Working — do not pull out the key…",
    "开始": "Start",
    "请将芯片号为{serial}的证书盘插入读卡口": "Please insert the key with chip number {serial}",
    "请将证书盘插入读卡口": "Please insert your USB key into the slot",
    "正在读取证书盘，请勿拔出…": "Reading the key — do not pull it out…",
    "读卡口有多个证书盘，请只保留要办理的一个": "There is more than one key in the slots; leave only the one for this business",
    "使用此证书盘": "Use this key",
    "芯片号：{serial}": "Chip number: {serial}",
    "证书主题：{subject}": "Subject: {subject}",
    "有效期：{start} 至 {end}": "Valid: {start} to {end}",
    "已读取证书盘，请核对": "The key was read; please check it",
    "单位名称或统一社会信用代码与证书不一致。单位信息已变更的，须先办理“证书变更”，再办理证书更新。现在改为办理证书变更吗？": "The unit name or USCC differs from the certificate. When the unit's information changed, “Change” must come before renewal. Switch to “Change” now?",
    "改为办理证书变更": "Switch to Change",
    "返回修改": "Go back and correct",
    "请插入芯片号为{serial}的证书盘，输入证书盘PIN码后点击“下载证书”": "Insert the key with chip number {serial}, type its PIN and press “Download”",
    "新证书已安装到证书盘，请核对以下信息": "The new certificate is on your key; please check it",
    "证书序列号：{serial}": "Certificate serial: {serial}",
    "请输入证书盘PIN码": "Please type the key's PIN",
    "证书盘PIN码": "Key PIN",
    "请插入证书盘，设置新的PIN码。{advice}": "Insert the key and choose a new PIN. {advice}",
    "新PIN码（{low}至{high}位数字或字母）": "New PIN ({low} to {high} digits or letters)",
    "解锁成功，请使用新的PIN码": "Unlocked: use your new PIN from now on",
    "再次输入新PIN码": "Type the new PIN again",
    "该证书盘须由大厅工作人员输入工号和PIN授权后才能解锁": "This key unlocks only after a hall staff member authorises it with their ID and PIN",
    "工作人员授权（工作人员在场时填写）": "Staff authorisation (filled in by a staff member at the kiosk)",
    "没有工作人员在场时，请拨打客服电话申请远程协助解锁": "With no staff at hand, call the service line for a remote assisted unlock",
    "工作人员工号": "Staff ID",
    "工作人员PIN": "Staff PIN",
    "付款成功，谢谢！下一步：{action}": "Paid, thank you! Next: {action}",
    "选择证书": "Choose the certificate",
    "网络不通，暂时无法查询该单位的证书，请稍后再办理": "No network: the unit's certificates cannot be looked up now; please try again later",
    "改派须选择邮寄，并填写新的邮寄地址": "A redirection goes by mail: choose mail and give the new address",
    "注销时间：{time}（已列入证书吊销列表）": "Revoked at: {time} (listed in the certificate revocation list)",
    "证书盘芯片号：{serial}": "Key chip number: {serial}",
    "改派订单：{order}": "Order redirected: {order}",
    "证书盘芯片号": "Key chip number",
    "改派订单": "Order redirected",
    "变更：{change}": "Change: {change}",
    "已按您上次为该单位填写的信息预先填好，请逐项核对": (
        "Filled in from what you entered for this unit last time; please check each field"
    ),
    "请填写变更后的信息，新证书将按此签发。原证书：{name}（{uscc}）": (
        "Enter the information as it is after the change: the new certificate is issued with it."
        " The current certificate: {name} ({uscc})"
    ),
    "{field}：{old} → {new}": "{field}: {old} → {new}",
    "新证书的单位名称和统一社会信用代码与原证书相同": (
        "The new certificate names the unit and its credit code as the old one did"
    ),
    "办理对象": "What this is for",
    "正在查询…": "Looking it up…",
    "{business} · {day} · {status} · 订单号{order}": "{business} · {day} · {status} · order {order}",
    "请选择要改派的订单（尚未发货、自提改邮寄，或已寄出被退回的）": "Choose the order to redirect (not shipped yet, self-pickup to mail, or a returned parcel)",
    "没有可以改派的订单：只有邮寄或自提证书盘、尚未领取的订单可以改派": "No order can be redirected: only an order whose key is to be mailed or collected, and has not been collected, can",
    "请选择丢失的证书盘（按芯片号），注销后该证书盘上的证书立即失效": "Choose the lost key (by chip number); once revoked, its certificate stops working at once",
    "没有找到统一社会信用代码为{code}的有效证书，请返回上一步核对": "No valid certificate found for the USCC {code}; please go back and check it",
    "请先登录": "Please sign in first",
    "该订单当前不能改派": "This order cannot be redirected now",
    "改派须指明要改派的订单": "A redirection must name the order to redirect",
    "证书注销须指明要注销的证书盘": "A revocation must name the key to revoke",
    "费用合计：免费": "Total: free",
    "改派已受理，等待重新寄出": "Redirection accepted: waiting to be sent again",
    # --- the error net ---
    "本机存储空间已满，刚才的操作没有保存；之前保存的信息和资料都还在。请联系大厅工作人员清理后再试": (
        "This kiosk's storage is full: what you just did was not saved; everything saved before is "
        "still here. Please ask the hall staff to make room, then try again"
    ),
    "本机出现意外问题，刚才的操作没有完成；之前保存的信息和资料都还在。请再试一次，或联系大厅工作人员": (
        "Something unexpected went wrong at this kiosk: what you just did was not finished; everything "
        "saved before is still here. Please try again, or ask the hall staff"
    ),
    "再试一次": "Try again",
    "知道了": "OK",
    # --- health, doctor, audit ---
    "全部正常": "All parts work",
    "有部件故障": "A part has failed",
    "部件": "Part",
    "状态": "State",
    "说明": "Details",
    "正常": "OK",
    "注意": "Warning",
    "故障": "Failed",
    "数据存储": "Store",
    "磁盘空间": "Disk space",
    "文件拍摄仪": "Document camera",
    "打印机": "Printer",
    "证书盘读卡口": "Key slot",
    "CA服务器": "CA backend",
    "同步队列": "Sync queue",
    "{count}个订单待同步，最早的已等待{minutes}分钟": "{count} orders waiting to be sent; the oldest for {minutes} minutes",
    "数据库完好，审计记录完整": "Database sound; audit trail intact",
    "剩余{free}": "{free} free",
    "画面正常（{width}×{height}）": "Picture OK ({width}×{height})",
    "驱动正常，读卡口空闲": "Driver OK; the slot is empty",
    "连接正常（{ms}毫秒）": "Connected ({ms} ms)",
    "数据存储未打开": "The store is not open",
    "数据库损坏，请联系技术人员": "The database is damaged; call a technician",
    "剩余{free}，不足以保存资料": "Only {free} free: not enough to keep documents",
    "剩余{free}，请尽快清理": "Only {free} free: please clear space soon",
    "驱动正常，已插入证书盘：{serials}": "Driver OK; keys in the slot: {serials}",
    "{count}个订单发送被拒，需要工作人员处理": "{count} orders were refused by the backend and need staff",
    "无待同步订单": "No orders waiting",
    "检查时出错": "The check itself failed",
    "检查超时，设备没有响应": "No answer: the device did not respond in time",
    "审计记录第{seq}条被改动或删除": "Audit record {seq} was changed or removed",
    "审计记录的锚点文件缺失或被改动": "The audit anchor file is missing or was changed",
    "审计记录与锚点不符：应有{expected}条，现有{actual}条": "The audit trail does not match its anchor: {expected} records expected, {actual} found",
    # --- staff dashboard ---
    "工作人员 · {staff_id} {name}": "Staff · {staff_id} {name}",
    "还有{count}个订单未发送到后台。它们已保存在本机，下次启动后自动发送。确定退出吗？": "{count} orders have not reached the backend yet. They are kept on this kiosk and go out after the next start. Leave now?",
    "工作人员 · 本机维护": "Staff · kiosk maintenance",
    "待同步订单：{count}，被拒需处理：{blocked}": "Orders to send: {count}; refused, for staff: {blocked}",
    "后台地址：{url}": "Backend: {url}",
    "打印机：{printer}": "Printer: {printer}",
    "摄像头：{camera}": "Camera: {camera}",
    "空闲等待：{seconds}秒": "Idle timeout: {seconds} s",
    "本机还没有提交过订单": "No order has been submitted at this kiosk yet",
    "工号或PIN不正确，还可尝试{count}次": "Wrong staff ID or PIN, {count} tries left",
    "正在检查各部件…": "Checking every part…",
    "最早的已等待{minutes}分钟": "The oldest has waited {minutes} minutes",
    "最近联系后台：{at}": "Last contact with the backend: {at}",
    "被拒": "refused",
    "重试中": "retrying",
    "重新检查": "Check again",
    "立即同步": "Send now",
    "结束顾客会话": "End the session",
    "已让{count}项立即重新发送": "{count} items will be sent again now",
    "工号（使用本机维护PIN时不填）": "Staff ID (empty for the kiosk maintenance PIN)",
    "设备状态": "Devices",
    "今日办理": "Today",
    "本机设置": "Settings",
    "恢复服务": "Back in service",
    "PDF文件夹": "PDF folder",
    "演示视频": "demo video",
    # --- remote view ---
    "未检查": "Not checked",
    "远程查看时不检查：设备由终端使用": "Not checked from the remote view: the kiosk uses the device",
    "{who} · 本机已暂停服务": "{who} · the kiosk is out of service",
    "退出登录": "Sign out",
    "远程查看": "Remote view",
    "请工作人员输入工号和PIN后查看": "Hall staff: sign in with your staff ID and PIN to see this kiosk",
    "终端：{kiosk}": "Kiosk: {kiosk}",
    "本业务已办结，无需再办理其他手续": "This business is complete; nothing more is needed",
    "顾客正在办理业务，暂不检查": "Not checked: a subscriber is using the kiosk",
}
