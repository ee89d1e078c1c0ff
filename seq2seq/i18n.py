"""Every string a person reads in the app, in English and 中文, in one place.

    text("translate.title", "zh")                 -> "逐步解码"
    text("fig.topk.title", "en", k=5, t=3)        -> "Top 5 candidates for y<sub>3</sub>"

Keys are "<room>.<what>"; each value is (English, 中文) with the same {placeholders}
(tests/test_i18n.py fails on a missing language, a placeholder in one language only, or a
key used in the code but not defined here). Pure data: the figure builders, the task
descriptions and the pages all read it; Streamlit is not imported. Symbols stay those of
the lecture notes (x, y, h_t, s_t, c, c_t, α_{t,i}, e_{t,i}) in both languages. Strings for
Plotly may hold its HTML subset (<sub>, <br>); strings for st.markdown may hold markdown.
"""

from __future__ import annotations

LANGS = {"en": "English", "zh": "中文"}
DEFAULT = "en"

STRINGS: dict[str, tuple[str, str]] = {
    # --- library errors a user can meet (seq2seq.errors: Seq2SeqError.of(key); the English is the CLI's line) ---
    "error.empty_input": ("the input is empty: type something to translate", "输入为空：请输入要翻译的内容"),
    "error.too_many_tokens": (
        "the input has {n} tokens; this model accepts at most {limit}",
        "输入有 {n} 个词元；这个模型最多接受 {limit} 个",
    ),
    "error.force_token": (
        "cannot force token id {token_id}: the vocabulary has {size} tokens",
        "无法强制词元编号 {token_id}：词表只有 {size} 个词元",
    ),
    "error.force_step": (
        "cannot force step {step}: decoding ended after {n} steps",
        "无法强制第 {step} 步：解码在第 {n} 步就结束了",
    ),
    "error.target_too_long": (
        "the target has more than {limit} tokens, more than this model can produce",
        "目标超过 {limit} 个词元，超出这个模型能生成的长度",
    ),
    "error.beam_width": (
        "beam width must be between 1 and the vocabulary size ({size})",
        "束宽必须在 1 到词表大小（{size}）之间",
    ),
    "error.no_pair_file": ("no such pair file: {path}", "找不到句对文件：{path}"),
    "error.bad_utf16": (
        "{name} starts with a UTF-16 byte-order mark but is not valid UTF-16",
        "{name} 以 UTF-16 字节序标记开头，但不是有效的 UTF-16",
    ),
    "error.binary_pairs": (
        "{name} looks binary (a NUL byte on line {line}); expected a text file of pairs",
        "{name} 看起来是二进制文件（第 {line} 行有 NUL 字节）；需要的是句对文本文件",
    ),
    "error.not_utf8": (
        "{name}, line {line}, column {column}: byte 0x{byte} is not UTF-8; save the file as UTF-8 (e.g. it may be Latin-1)",
        "{name} 第 {line} 行第 {column} 列：字节 0x{byte} 不是 UTF-8；请把文件另存为 UTF-8（它可能是 Latin-1）",
    ),
    "error.pairs_too_big": (
        "{name} is {mb} MB; pair files are at most {top} MB",
        "{name} 有 {mb} MB；句对文件最大 {top} MB",
    ),
    "error.pairs_empty": ("{name} is empty", "{name} 是空文件"),
    "error.too_many_pairs": (
        "{name} has more than {top} pairs; use a sample of at most that many",
        "{name} 超过 {top} 个句对；请最多取这么多作为样本",
    ),
    "error.two_pairs": (
        "a pair file needs at least 2 pairs (one to train on, one to check on)",
        "句对文件至少需要 2 个句对（一个用于训练，一个用于检验）",
    ),
    "error.queue_full": (
        "{n} trainings are already waiting on this server; try again in a minute",
        "这台服务器上已有 {n} 个训练在排队；请一分钟后再试",
    ),
    "error.checkpoint_too_big": (
        "{name} is {mb} MB; checkpoints are at most {top} MB",
        "{name} 有 {mb} MB；模型文件最大 {top} MB",
    ),
    "error.no_checkpoint": ("no such checkpoint file: {path}", "找不到模型文件：{path}"),
    "error.not_ours": (
        "{name} is a safetensors file but not an Attention Lab checkpoint",
        "{name} 是 safetensors 文件，但不是 Attention Lab 的模型",
    ),
    "error.newer_format": (
        "{name} has checkpoint format version {version}; this app reads up to {ours} (update the app)",
        "{name} 的模型格式版本是 {version}；本应用最多读取版本 {ours}（请更新应用）",
    ),
    "error.pickle": (
        "{name} is a pickle / torch.save file; only .safetensors checkpoints are loaded"
        " (a pickle can run code when loaded, so it is never opened)",
        "{name} 是 pickle / torch.save 文件；只加载 .safetensors 模型（pickle 加载时可能执行代码，所以从不打开）",
    ),
    "error.unreadable": (
        "{name} is not a readable safetensors file ({detail})",
        "{name} 不是可读取的 safetensors 文件（{detail}）",
    ),
    "error.not_finite": ("weight {key} contains NaN or infinite values", "权重 {key} 含有 NaN 或无穷大"),
    # an error without a 中文 wording of its own: said in 中文, its English detail quoted
    "error.checkpoint_other": ("{detail}", "这个模型文件无法使用（原文：{detail}）"),
    "error.input_other": ("{detail}", "无法处理这个输入（原文：{detail}）"),
    # --- navigation and the shared sidebar --------------------------------------------------
    "nav.home": ("Home", "首页"),
    "nav.lecture": ("Lecture", "课堂讲解"),
    "nav.translate": ("Translate", "逐步解码"),
    "nav.beam": ("Beam search", "束搜索"),
    "nav.compare": ("Compare", "对比"),
    "nav.train": ("Train", "训练"),
    "nav.explain": ("Explain", "解释"),
    "nav.errors": ("Errors", "错误分析"),
    "nav.states": ("States", "隐状态"),
    "sidebar.language": ("Language", "语言"),
    "sidebar.present": ("Presentation mode", "演示模式"),
    "sidebar.present_help": (
        "Larger text and figures for a projector; advanced controls hidden. In the link as present=1.",
        "投影用：放大文字和图，隐藏高级选项。链接中为 present=1。",
    ),
    "sidebar.model": ("Model", "模型"),
    "sidebar.checkpoint": ("Checkpoint", "模型文件"),
    "sidebar.checkpoint_help": (
        "Pretrained models shipped in checkpoints/, and (★) the ones you trained or uploaded in this session. "
        "The name goes into the page's link (?model=…).",
        "checkpoints/ 中自带的预训练模型，以及（★）你在本次会话中训练或上传的模型。名称会写进页面链接（?model=…）。",
    ),
    "sidebar.no_checkpoints": (
        "No checkpoints in {folder}. Rebuild them with `make checkpoints`.",
        "{folder} 中没有模型文件。请用 `make checkpoints` 重新生成。",
    ),
    "sidebar.training_done": ("Training {state}: see the Train page.", "训练{state}：请看“训练”页。"),
    "sidebar.training_running": (
        "⏳ Training the {label} model: {seconds:.0f} s",
        "⏳ 正在训练 {label} 模型：{seconds:.0f} 秒",
    ),
    "sidebar.training_queued": ("⏳ Training queued (position {position})", "⏳ 训练排队中（第 {position} 位）"),
    "model.none_selected": ("No model is selected: pick one in the sidebar.", "未选择模型：请在侧边栏中选择。"),
    "model.cannot_load": ("Could not load {name}: {error}", "无法加载 {name}：{error}"),
    "model.describe": (
        "Task **{task}** · decoder **{decoder}** · {cell} {hidden}{quality}",
        "任务 **{task}** · 解码器 **{decoder}** · {cell} {hidden}{quality}",
    ),
    "model.quality": (" · held-out exact match {em:.1%}", " · 留出集完全匹配率 {em:.1%}"),
    "score.dot": ("dot", "点积"),
    "score.general": ("general", "一般（双线性）"),
    "score.additive": ("additive", "加性"),
    "score.scaled-dot": ("scaled dot", "缩放点积"),
    # attention variants (cfg.variant's parts, lang.variant_name joins them)
    "variant.luong": ("Luong", "Luong 式"),
    "variant.luong-feed": ("Luong + input feeding", "Luong + 输入馈送"),
    "variant.local": ("local-p, D = {d}", "局部-p，D = {d}"),
    "variant.sparsemax": ("sparsemax", "sparsemax（稀疏）"),
    "variant.entmax15": ("entmax-1.5", "entmax-1.5（稀疏）"),
    "variant.coverage": ("coverage", "覆盖"),
    "model.decoder_transformer": (
        "Transformer ({layers} layers × {heads} heads, {positions} positions)",
        "Transformer（{layers} 层 × {heads} 个头，{positions}位置编码）",
    ),
    "positions.sinusoidal": ("sinusoidal", "正弦"),
    "positions.learned": ("learned", "可学习"),
    # the Translate page's heads (seq2seq/ui/heads.py)
    "heads.picker": ("Attention head", "注意力头"),
    "heads.picker_help": (
        "A Transformer has several heads in every layer. α in the pictures above is the last layer's "
        "head average unless you pick one head (or one layer's average) here.",
        "Transformer 每一层都有多个头。除非在这里选择某个头（或某一层的平均），上面图中的 α 是最后一层各头的平均。",
    ),
    "heads.caption": (
        "Each head computes softmax(QKᵀ/√dₖ)V — the same weighted sum as the notes' cₜ = Σ_i αₜ,ᵢ hᵢ. "
        "Left: what each output position reads of the output so far (the causal mask hides the future). "
        "Right: how the encoder mixes the source tokens with each other.",
        "每个头计算 softmax(QKᵀ/√dₖ)V —— 与讲义中 cₜ = Σ_i αₜ,ᵢ hᵢ 相同的加权和。"
        "左：每个输出位置读取已生成输出的哪些部分（因果掩码遮住未来）。右：编码器如何让源词元相互混合。",
    ),
    "model.decoder_attention": ("attention ({score})", "注意力（{score}）"),
    "model.missing": (
        "The link asks for the model **{wanted}**, which is not available here; showing **{shown}** instead. {why}",
        "链接指定的模型 **{wanted}** 在这里不可用；现在显示的是 **{shown}**。{why}",
    ),
    "model.missing_session": (
        "Models marked ★ were trained or uploaded in one browser and stay with it; train or upload it again here.",
        "带 ★ 的模型是在某个浏览器中训练或上传的，只属于那个浏览器；请在这里重新训练或上传。",
    ),
    "model.missing_file": (
        "No checkpoint of that name is in this app's checkpoints folder (a typo, or a model saved on another server).",
        "本应用的 checkpoints 文件夹中没有这个名字的模型（可能是拼写错误，或保存在另一台服务器上）。",
    ),
    "model.cannot_load_row": ("cannot load: {error}", "无法加载：{error}"),
    # --- messages every page may show ---------------------------------------------------------
    "common.input_x": ("Input x", "输入 x"),
    "common.type_input": ("Type an input above.", "请在上方输入。"),
    "common.credit": (
        "Sentence from the Tatoeba Project: [{who}]({url}), CC BY 2.0 FR",
        "句子来自 Tatoeba 项目：[{who}]({url})，CC BY 2.0 FR 许可",
    ),
    "common.read_as": (
        "Read as the model was trained to read it: **{text}**",
        "按模型训练时的写法读作：**{text}**",
    ),
    "common.too_long": (
        "The input has {n:,} characters; this app accepts at most {limit:,}.",
        "输入有 {n:,} 个字符；本应用最多接受 {limit:,} 个。",
    ),
    "common.unknown": (
        "Not in this model's vocabulary, read as ⟨unk⟩: {names}.",
        "不在此模型词表中、按 ⟨unk⟩ 读入的字符：{names}。",
    ),
    "common.unknown_guess": ("The output for them is a guess.", "它们对应的输出只是猜测。"),
    "common.empty": ("(empty)", "（空）"),
    "common.length_note": (
        "This model was trained on inputs of {lo}–{hi} characters; yours has {n}, so expect mistakes.",
        "此模型训练时的输入长度为 {lo}–{hi} 个字符；你的输入有 {n} 个，可能会出错。",
    ),
    "common.missing": ("(… {n} missing)", "（…… 缺 {n} 个）"),
    "common.no_checkpoints": (
        "No checkpoints found. Rebuild them with `make checkpoints`.",
        "没有找到模型文件。请用 `make checkpoints` 重新生成。",
    ),
    "common.step": ("Decoding step t", "解码步 t"),
    "common.step_help": (
        "Step t emits yₜ. Everything below shows step t.",
        "第 t 步输出 yₜ。下方所有内容都对应第 t 步。",
    ),
    "common.prev": ("⏮ Previous step", "⏮ 上一步"),
    "common.next": ("Next step ⏭", "下一步 ⏭"),
    "common.prev_help": ("Previous decoding step (← key)", "上一个解码步（← 键）"),
    "common.next_help": ("Next decoding step (→ key)", "下一个解码步（→ 键）"),
    "common.step_format": ("t = %d of {n}", "t = %d / {n}"),
    "common.one_step": ("One decoding step: t = 1.", "只有一个解码步：t = 1。"),
    "common.play": ("▶ Play", "▶ 播放"),
    "common.pause": ("⏸ Pause", "⏸ 暂停"),
    "common.play_help": (
        "Plays every step in the browser, 5 a second; ⏸ (or the figure's slider) stops it at the step shown.",
        "在浏览器中逐步播放，每秒 5 步；⏸（或图中的滑块）停在当前显示的这一步。",
    ),
    "common.playing": (
        "Playing in the browser. ⏸ or a step on the slider stops it there, with every picture of that step.",
        "正在浏览器中播放。⏸ 或在滑块上选一步即停在那里，并显示这一步的所有图。",
    ),
    # --- Home ---------------------------------------------------------------------------------
    "home.intro": (
        "Watch a sequence-to-sequence model work, one decoding step at a time.",
        "观察一个序列到序列模型如何工作，一次一个解码步。",
    ),
    "home.story1": (
        "**Encoder–decoder.** The encoder reads $x_1 \\dots x_T$ and squeezes it into one fixed vector "
        "$c = h_T$; the decoder unrolls the output $y_1 \\dots y_{{T'}}$ from it.",
        "**编码器–解码器。** 编码器读入 $x_1 \\dots x_T$，把它压缩成一个固定长度的向量 $c = h_T$；"
        "解码器再从它逐个生成输出 $y_1 \\dots y_{{T'}}$。",
    ),
    "home.story2": (
        "**Training and inference.** Training feeds the true $y_{{t-1}}$ (teacher forcing); at inference the "
        "model feeds back its own prediction.",
        "**训练与推理。** 训练时输入真实的 $y_{{t-1}}$（教师强制）；推理时模型把自己的预测作为下一步的输入。",
    ),
    "home.story3": (
        "**The bottleneck.** $c$ has the same size however long the input is, so long inputs lose information.",
        "**瓶颈。** 无论输入多长，$c$ 的大小都不变，所以长输入会丢失信息。",
    ),
    "home.story4": (
        "**Attention** gives the decoder a fresh context at every step, $c_t = \\sum_i \\alpha_{{t,i}} h_i$, "
        "looking back at the encoder states where it needs to.",
        "**注意力机制** 在每一步为解码器计算新的上下文 $c_t = \\sum_i \\alpha_{{t,i}} h_i$，按需回看编码器的各个状态。",
    ),
    "home.link_lecture": (
        "Lecture — the notes' story in order, every equation with this model's numbers",
        "课堂讲解 — 按讲义顺序讲完整个故事，每个公式都填上模型的真实数值",
    ),
    "home.link_translate": (
        "Translate — step through a decode: α, the notes' picture, what-if",
        "逐步解码 — 一步一步看解码：α、讲义中的连线图、假设分析",
    ),
    "home.link_beam": (
        "Beam search — the whole tree: what the beam kept and what it dropped",
        "束搜索 — 整棵搜索树：保留了什么，丢弃了什么",
    ),
    "home.link_compare": (
        "Compare — vanilla vs attention, and the bottleneck by input length",
        "对比 — 普通解码器与注意力解码器，以及随输入长度出现的瓶颈",
    ),
    "home.link_train": (
        "Train — watch the loss fall and attention learn to align, live",
        "训练 — 实时观察损失下降、注意力学会对齐",
    ),
    "home.link_explain": (
        "Explain — is attention an explanation? α beside attributions, and α changed by hand",
        "解释 — 注意力是解释吗？α 与归因并列，以及手动改动 α",
    ),
    "home.link_states": (
        "States — the hidden states as paths, and the training steps nearest to this one",
        "隐状态 — 把隐状态画成轨迹，以及与当前这一步最相似的训练步",
    ),
    "home.link_errors": (
        "Errors — which inputs fail, and does the attention tell us in advance?",
        "错误分析 — 哪些输入会出错？注意力能否提前告诉我们？",
    ),
    "home.links_caption": (
        "Pick a model in the sidebar. Every view's state is in its link, so a link on a slide reopens it.",
        "在侧边栏中选择模型。每个视图的状态都在链接里，幻灯片上的链接能原样打开它。",
    ),
    "home.models": ("The shipped models", "自带的模型"),
    "home.models_caption": (
        "Each task has a vanilla and an attention model with the same encoder and training budget; several have a "
        "Transformer, and reverse has every attention variant. Exact match on 500 held-out pairs; AER = alignment "
        "error rate of the argmax-α alignment (lower is better).",
        "每个任务都有一个普通模型和一个注意力模型，编码器和训练预算相同；多个任务还有 Transformer，反转任务有每种注意力变体。"
        "完全匹配率在 500 个留出样本上测得；AER 为 argmax-α 对齐的对齐错误率（越低越好）。",
    ),
    "home.col_model": ("model", "模型"),
    "home.col_task": ("task", "任务"),
    "home.col_decoder": ("decoder", "解码器"),
    "home.col_exact": ("exact match", "完全匹配率"),
    # --- Lecture ------------------------------------------------------------------------------
    "lecture.title": ("Lecture: from a fixed c to attention", "课堂讲解：从固定向量 c 到注意力"),
    "lecture.intro": (
        "The notes' story in their order, on the model picked in the sidebar. Every number below is computed "
        "live for the input and the step you choose.",
        "按讲义的顺序讲解，使用侧边栏中选择的模型。下面每个数值都是针对你选择的输入和解码步实时计算的。",
    ),
    "lecture.needs_attention": (
        "This model is a {family} model; the attention section uses **{name}**, the RNN attention model of the "
        "same task.",
        "当前模型是{family}模型；注意力一节使用同一任务的 RNN 注意力模型 **{name}**。",
    ),
    "lecture.section": ("Section", "章节"),
    "lecture.prev_section": ("◀ Previous section", "◀ 上一节"),
    "lecture.next_section": ("Next section ▶", "下一节 ▶"),
    "lecture.prev_section_help": ("Previous section of the lecture (Page Up)", "讲义的上一节（Page Up 键）"),
    "lecture.next_section_help": ("Next section of the lecture (Page Down)", "讲义的下一节（Page Down 键）"),
    "lecture.s1": ("1 · Encoder: the whole input in one vector c", "1 · 编码器：整个输入压进一个向量 c"),
    "lecture.s1_text": (
        "The encoder reads the input one token at a time and updates its hidden state. Its last state is the "
        "summary the decoder gets: $c = h_T$.",
        "编码器一次读入一个词元并更新隐藏状态。它的最后一个状态就是交给解码器的摘要：$c = h_T$。",
    ),
    "lecture.s1_sizes": (
        "This input has **T = {T}** tokens (</s> included); c has **{D}** numbers. An input of 3 tokens or of 30 "
        "gets a c of the same {D} numbers.",
        "这个输入有 **T = {T}** 个词元（含 </s>）；c 有 **{D}** 个数。无论输入是 3 个词元还是 30 个，c 都是这 {D} 个数。",
    ),
    "lecture.s1_table_len": ("input length T", "输入长度 T"),
    "lecture.s1_table_c": ("size of c", "c 的大小"),
    "lecture.s1_first": ("The first numbers of this c:", "这个 c 的前几个数："),
    "lecture.s2": ("2 · Decoder: one token per step", "2 · 解码器：每步一个词元"),
    "lecture.s2_text": (
        "The decoder starts from c and, at each step t, reads the previous output $y_{{t-1}}$ and a context "
        "$\\mathrm{{ctx}}_t$ (the same c at every step without attention, a fresh $c_t$ with it: §6), updates its "
        "state $s_t$, and turns it into a probability for every token of the vocabulary.",
        "解码器从 c 出发，在每一步 t 读入上一步的输出 $y_{{t-1}}$ 和上下文 $\\mathrm{{ctx}}_t$（没有注意力时每一步都是"
        "同一个 c，有注意力时是新的 $c_t$，见 §6），更新状态 $s_t$，再把它变成词表中每个词元的概率。",
    ),
    "lecture.s2_live": (
        "At step **t = {t}** the decoder read $y_{{t-1}}$ = **{prev}** and emits **{token}** with p = **{p:.3f}**.",
        "在第 **t = {t}** 步，解码器读入 $y_{{t-1}}$ = **{prev}**，输出 **{token}**，概率 p = **{p:.3f}**。",
    ),
    "lecture.s3": ("3 · Training vs inference", "3 · 训练与推理"),
    "lecture.s3_text": (
        "In training the decoder is fed the **true** previous token (teacher forcing) and the loss is the "
        "cross-entropy, −log p of the right token at each step. At inference it must feed back **its own** "
        "output, so one mistake can derail the rest.",
        "训练时给解码器输入**真实的**上一个词元（教师强制），损失是交叉熵，即每一步正确词元的 −log p。"
        "推理时它只能输入**自己的**输出，所以一个错误可能让后面全部出错。",
    ),
    "lecture.s3_input": (
        "An input of the training lengths ({lo}–{hi} characters) on which this model errs: **{source}**",
        "一个训练长度范围内（{lo}–{hi} 个字符）让此模型出错的输入：**{source}**",
    ),
    "lecture.s3_input_longer": (
        "This model got all {n} generated inputs of the training lengths ({lo}–{hi} characters) right; it errs "
        "on this longer one: **{source}**",
        "此模型在 {n} 个训练长度范围内（{lo}–{hi} 个字符）的生成输入上全部正确；它在这个更长的输入上出错：**{source}**",
    ),
    "lecture.s3_first_mistake": (
        "Free running goes wrong first at **t = {t}** (the highlighted row, marked ✗).",
        "自由生成在 **t = {t}** 第一次出错（高亮的一行，标有 ✗）。",
    ),
    "lecture.s3_from_row": (
        "Steps 1–{k} agree and are left out: the table starts at t = {t}.",
        "第 1–{k} 步一致，已略去：表格从 t = {t} 开始。",
    ),
    "lecture.s3_no_error": (
        "This model got every generated input right (up to {n} tried), so teacher forcing and free running agree "
        "here; the table shows the input above.",
        "此模型在所有生成的输入上都正确（最多尝试 {n} 个），因此这里教师强制与自由生成的结果一致；表格使用上方的输入。",
    ),
    "lecture.s3_col_t": ("t", "t"),
    "lecture.s3_col_true": ("true yₜ", "真实 yₜ"),
    "lecture.s3_col_p": ("teacher-forced p(true yₜ)", "教师强制下 p(真实 yₜ)"),
    "lecture.s3_col_loss": ("−log p", "−log p"),
    "lecture.s3_col_free": ("free-running output", "自由生成的输出"),
    "lecture.s3_loss": (
        "Cross-entropy of this pair: mean −log p = **{loss:.3f}**. Free running it outputs **{free}**; "
        "the right answer is **{target}**.",
        "这一对样本的交叉熵：−log p 的平均值 = **{loss:.3f}**。自由生成时输出 **{free}**；正确答案是 **{target}**。",
    ),
    "lecture.s4": ("4 · Beam search vs greedy", "4 · 束搜索与贪心解码"),
    "lecture.s4_text": (
        "Greedy decoding keeps the single most likely token at each step. Beam search keeps the k most likely "
        "prefixes, so a token that looks worse now can win later.",
        "贪心解码每一步只保留最可能的一个词元。束搜索保留 k 个最可能的前缀，所以眼下看起来较差的词元之后也可能胜出。",
    ),
    "lecture.s4_live": (
        "Greedy: **{greedy}** (log p = {g_logp:.3f}). Beam, width {k}: **{beam}** (log p = {b_logp:.3f}); "
        "{pruned} candidates pruned.",
        "贪心：**{greedy}**（log p = {g_logp:.3f}）。束宽 {k} 的束搜索：**{beam}**（log p = {b_logp:.3f}）；剪掉了 {pruned} 个候选。",
    ),
    "lecture.s4_example": (
        "This section shows the example found, **{source}**; the other sections keep the lecture's input, **{lecture}**.",
        "本节显示找到的例子 **{source}**；其他各节仍使用课堂的输入 **{lecture}**。",
    ),
    "lecture.s4_back": ("↩ The lecture's input", "↩ 回到课堂的输入"),
    "lecture.s4_link": ("Open the beam tree for this input", "打开此输入的束搜索树"),
    "lecture.s5": ("5 · The bottleneck", "5 · 瓶颈"),
    "lecture.s5_text": (
        "c has the same size however long the input is, so the vanilla decoder's accuracy falls as inputs grow; "
        "the attention decoder, which looks back at every $h_i$, holds up.",
        "不论输入多长，c 的大小都不变，所以普通解码器的准确率随输入变长而下降；能回看每个 $h_i$ 的注意力解码器则保持得住。",
    ),
    "lecture.s5_none": (
        "The length figure needs a vanilla and an attention model of one generated task.",
        "长度图需要同一生成任务的普通模型和注意力模型各一个。",
    ),
    "common.measuring_length": ("Measuring exact match by input length…", "正在按输入长度测量完全匹配率……"),
    "lecture.s6": ("6 · Attention: a fresh context cₜ at every step", "6 · 注意力：每一步都有新的上下文 cₜ"),
    "lecture.s6_text": (
        "At step t the decoder scores every encoder state against its previous state, turns the scores into "
        "weights that sum to 1, and reads their weighted sum.",
        "在第 t 步，解码器用上一步的状态给每个编码器状态打分，把分数变成和为 1 的权重，再读取这些状态的加权和。",
    ),
    "lecture.s6_score": ("Score function / variant", "打分函数 / 变体"),
    "lecture.s6_score_help": (
        "Models of this task trained with each score function or attention variant (Luong, local-p, sparsemax, "
        "entmax, coverage; the ones shipped or trained in this session).",
        "用不同打分函数或注意力变体（Luong、局部-p、sparsemax、entmax、覆盖）训练的同一任务模型（自带的或本次会话训练的）。",
    ),
    "lecture.s6_nonzero": (
        "**{n}** of the S = {S} weights are non-zero at this step (the rest are exactly 0).",
        "这一步 S = {S} 个权重中有 **{n}** 个非零（其余恰好为 0）。",
    ),
    "lecture.s6_window": (
        " The window is centred at pₜ = **{p:.2f}** with D = {d}.",
        " 窗口以 pₜ = **{p:.2f}** 为中心，D = {d}。",
    ),
    "lecture.s6_col_i": ("i", "i"),
    "lecture.s6_col_x": ("xᵢ", "xᵢ"),
    "lecture.s6_col_e": ("eₜ,ᵢ", "eₜ,ᵢ"),
    "lecture.s6_col_alpha": ("αₜ,ᵢ", "αₜ,ᵢ"),
    "lecture.s6_sum": (
        "$\\sum_i \\alpha_{{t,i}}$ = **{total:.4f}**; the largest weight, **{best:.3f}**, is on $x_{{{i}}}$ = **{token}**.",
        "$\\sum_i \\alpha_{{t,i}}$ = **{total:.4f}**；最大的权重 **{best:.3f}** 落在 $x_{{{i}}}$ = **{token}** 上。",
    ),
    "lecture.s6_context": (
        "$c_t$, first {n} of its {D} numbers, computed here as $\\sum_i \\alpha_{{t,i}} h_i$ and as the model computed it:",
        "$c_t$ 的前 {n} 个数（共 {D} 个），分别是这里按 $\\sum_i \\alpha_{{t,i}} h_i$ 算出的和模型算出的：",
    ),
    "lecture.s7": ("7 · Is attention an explanation?", "7 · 注意力是解释吗？"),
    "lecture.s7_text": (
        "A heatmap shows where the decoder *looks*. Does $y_t$ *depend* on what it looks at? Ask the model: "
        "replace one input token by ⟨unk⟩ and see how much $\\log p(y_t)$ drops (occlusion), or integrate its "
        "gradient (integrated gradients) — then change $\\alpha_t$ itself and see whether $y_t$ changes.",
        "热力图显示解码器*看*哪里。那么 $y_t$ 是否*依赖*它看的地方？问模型本身：把一个输入词元换成 ⟨unk⟩，"
        "看 $\\log p(y_t)$ 下降多少（遮挡），或对它的梯度积分（积分梯度）——再直接改动 $\\alpha_t$，看 $y_t$ 是否改变。",
    ),
    "lecture.s7_step": (
        "At step {t} ($y_{{{t}}}$ = **{token}**): α looks most at **{a}** ({a_w:.2f}); occlusion says $y_t$ depends most on "
        "**{o}**, integrated gradients on **{g}**.",
        "第 {t} 步（$y_{{{t}}}$ = **{token}**）：α 最关注 **{a}**（{a_w:.2f}）；遮挡表明 $y_t$ 最依赖 **{o}**，积分梯度则指向 **{g}**。",
    ),
    "lecture.s7_agree": (
        "Over this input's {n} steps, α and occlusion rank the tokens alike with Kendall τ = **{tau_o:.2f}** and "
        "pick the same top token **{top_o:.0%}** of the time; α and integrated gradients: τ = **{tau_g:.2f}**, "
        "top-1 **{top_g:.0%}**.",
        "在这个输入的 {n} 步中，α 与遮挡对词元排序的 Kendall τ = **{tau_o:.2f}**，最重要词元相同的比例为 **{top_o:.0%}**；"
        "α 与积分梯度：τ = **{tau_g:.2f}**，首位一致 **{top_g:.0%}**。",
    ),
    "lecture.s7_intervene": (
        "Change $\\alpha_{{{t}}}$ and keep everything before step {t}: a random permutation of it changes "
        "$y_{{{t}}}$ in **{flips} of {n}** draws; erasing the most attended token **{x}** gives **{y}** ({verdict}).",
        "改动 $\\alpha_{{{t}}}$，保持第 {t} 步之前的一切不变：随机打乱它，在 **{n} 次中有 {flips} 次** 改变了 $y_{{{t}}}$；"
        "抹去最受关注的词元 **{x}** 后得到 **{y}**（{verdict}）。",
    ),
    "common.unchanged": ("unchanged", "未变"),
    "common.changed": ("changed", "已变"),
    "lecture.s7_no_alpha": (
        "This {decoder} model has no single α to question; its attributions above still show which input tokens "
        "each output depends on. Pick an RNN attention model in the sidebar to compare them with α.",
        "这个{decoder}模型没有单一的 α 可供检验；上面的归因仍显示每个输出依赖哪些输入词元。"
        "在侧栏选一个 RNN 注意力模型，就能把它们与 α 比较。",
    ),
    "lecture.s7_link": (
        "Open this input in Explain: every method, the interventions, α by hand",
        "在“解释”页打开此输入：所有方法、干预、手动设定 α",
    ),
    "lecture.vanilla_here": (
        "No attention model is available for this task, so this section has nothing to show.",
        "此任务没有可用的注意力模型，所以本节没有内容。",
    ),
    "lecture.s8": (
        "8 · Beyond the notes: attention without recurrence",
        "8 · 讲义之后：没有循环的注意力",
    ),
    "lecture.s8_text": (
        "The Transformer drops the RNN. At step t the decoder asks a query $q_t$; every source token offers a key "
        "$k_i$ and a value $v_i$ (learned projections of the encoder's outputs $h_i$). The weights "
        "$\\alpha_{{t,i}} = \\mathrm{{softmax}}_i(q_t k_i^\\top / \\sqrt{{d_k}})$ are the notes' α, in several heads at once.",
        "Transformer 去掉了 RNN。在第 t 步，解码器提出查询 $q_t$；每个源词元给出键 $k_i$ 和值 $v_i$"
        "（编码器输出 $h_i$ 的可学习投影）。权重 $\\alpha_{{t,i}} = \\mathrm{{softmax}}_i(q_t k_i^\\top / \\sqrt{{d_k}})$ "
        "就是讲义中的 α，只是多个头同时计算。",
    ),
    "lecture.s8_uses": (
        "The sidebar's model is not a Transformer; this section uses **{name}**, the Transformer of the same task.",
        "侧边栏中的模型不是 Transformer；本节使用同一任务的 Transformer 模型 **{name}**。",
    ),
    "lecture.s8_none": (
        "No Transformer reads this task's inputs, so this section has nothing to show (the Train page can train one).",
        "没有读取此任务输入的 Transformer 模型，所以本节没有内容（可以在训练页面训练一个）。",
    ),
    "lecture.s8_cannot": ("**{name}** cannot read this input: {error}", "**{name}** 无法读取这个输入：{error}"),
    "lecture.s8_head": ("Head (q, K, V)", "注意力头（q, K, V）"),
    "lecture.s8_head_help": (
        "One head of one decoder layer's cross-attention: its query, keys and values are shown as numbers.",
        "某一解码器层交叉注意力中的一个头：以数值显示它的查询、键和值。",
    ),
    "lecture.s8_equal": (
        "The head's output, first {n} of its dₖ = {d} numbers, three ways: the Transformer's formula, the notes' "
        "weighted sum over the values, and the notes' $c_t = \\sum_i \\alpha_{{t,i}} h_i$ read through $W_V$:",
        "这个头的输出（dₖ = {d} 个数中的前 {n} 个），三种算法：Transformer 的公式、讲义中对值的加权和、"
        "以及讲义中的 $c_t = \\sum_i \\alpha_{{t,i}} h_i$ 经过 $W_V$：",
    ),
    "lecture.s8_same": (
        "The same numbers (largest difference from the model's own {gap:.1e}: float rounding). Attention in a "
        "Transformer is the notes' weighted sum, with learned queries, keys and values.",
        "数值相同（与模型自身输出的最大差 {gap:.1e}，浮点舍入）。Transformer 中的注意力就是讲义中的加权和，"
        "只是查询、键和值都是学出来的。",
    ),
    "lecture.s8_tab_qkv": ("q, K, V: the notes' weighted sum", "q, K, V：讲义中的加权和"),
    "lecture.s8_tab_heads": ("Causal mask and heads", "因果掩码与多头"),
    "lecture.s8_tab_speed": ("Time per training step", "每个训练步的时间"),
    "lecture.s8_speed_title": ("**The notes' second limitation, measured.**", "**讲义中的第二个局限，实测。**"),
    "lecture.s8_speed": (
        "An RNN runs its steps one after another; the Transformer's training pass has no loop over t. This "
        "times a training step against sequence length, on this machine, for both at one batch and width.",
        "RNN 必须一步接一步地计算；Transformer 的训练没有对 t 的循环。这里在这台机器上，以相同的批大小和宽度，"
        "测量两者每个训练步的时间随序列长度的变化。",
    ),
    "lecture.s8_run": ("▶ Measure (≤ {s} s)", "▶ 开始测量（≤ {s} 秒）"),
    "lecture.s8_busy": (
        "Another timing is running on this server; try again when it is done.",
        "服务器上正在进行另一次测量；请等它结束后再试。",
    ),
    "lecture.s8_measuring": ("Timing a training step at {n} tokens…", "正在测量长度为 {n} 个词元的训练步……"),
    "lecture.s8_one_length": (
        "At {n} tokens a training step took {rnn:.0f} ms with the RNN + attention and {tf:.0f} ms with the Transformer.",
        "长度为 {n} 个词元时，一个训练步用时：RNN + 注意力 {rnn:.0f} 毫秒，Transformer {tf:.0f} 毫秒。",
    ),
    "lecture.s8_result": (
        "From {n0} to {n1} tokens a training step went from {rnn0:.0f} to {rnn1:.0f} ms with the RNN + attention "
        "(×{g_rnn:.1f}) and from {tf0:.0f} to {tf1:.0f} ms with the Transformer (×{g_tf:.1f}).",
        "从 {n0} 到 {n1} 个词元，一个训练步的时间：RNN + 注意力从 {rnn0:.0f} 毫秒变为 {rnn1:.0f} 毫秒（×{g_rnn:.1f}），"
        "Transformer 从 {tf0:.0f} 毫秒变为 {tf1:.0f} 毫秒（×{g_tf:.1f}）。",
    ),
    "lecture.s8_faster": (
        "At {n} tokens the Transformer's step is **{x:.1f}×** faster.",
        "在 {n} 个词元时，Transformer 的训练步快 **{x:.1f} 倍**。",
    ),
    "lecture.s8_slower": (
        "At {n} tokens the Transformer's step is **{x:.1f}×** slower.",
        "在 {n} 个词元时，Transformer 的训练步慢 **{x:.1f} 倍**。",
    ),
    "lecture.s8_rnn_grows": (
        "The RNN's time grew faster with the length: its n steps run one after another.",
        "RNN 的时间随长度增长得更快：它的 n 个步骤只能依次计算。",
    ),
    "lecture.s8_tf_grows": (
        "Here the Transformer's time grew faster: its attention compares every pair of positions (n² work), "
        "all of it on this machine's few cores.",
        "这里 Transformer 的时间增长得更快：它的注意力要比较每一对位置（n² 的计算量），全都落在这台机器的少数几个核上。",
    ),
    "lecture.s8_budget": (
        "The {s} s budget ran out before {n} tokens.",
        "在测到 {n} 个词元之前，{s} 秒的时间预算已用完。",
    ),
    # --- Translate ----------------------------------------------------------------------------
    "translate.title": ("Translate", "逐步解码"),
    "translate.input_help": ("The source sequence. Press Enter to decode it.", "源序列。按回车开始解码。"),
    "translate.whatif_not_applied": (
        "The what-if in the link does not apply: {error}. Showing the model's own choices.",
        "链接中的假设不适用：{error}。显示模型自己的选择。",
    ),
    "translate.output": ("**Output y**", "**输出 y**"),
    "translate.output_whatif": (" — with a what-if", " — 含假设"),
    "translate.whatif_legend": (
        "In the output and every figure: **bold purple** = a token you forced; *purple italics* = the model's "
        "own choices after it, decoded from a prefix that holds the forced token.",
        "在输出和所有图中：**紫色粗体** = 你强制的词元；*紫色斜体* = 此后模型自己的选择，"
        "它们是在包含强制词元的前缀上解码出来的。",
    ),
    "translate.correct_answer": ("**Correct answer**", "**正确答案**"),
    "translate.correct": (":green[**✓ the output is right**]", ":green[**✓ 输出正确**]"),
    "translate.wrong": (":red[**✗ the output is wrong**]", ":red[**✗ 输出错误**]"),
    "translate.unfinished": (
        "Decoding stopped at the length limit ({n} steps) before the model emitted </s>.",
        "模型输出 </s> 之前，解码已在长度上限（{n} 步）处停止。",
    ),
    "translate.forced_note": (" (**forced** by your what-if)", "（由你的假设**强制**）"),
    "translate.after_note": (
        " (the model's own choice, after the token you forced)",
        "（模型自己的选择，在你强制的词元之后）",
    ),
    "translate.step_summary": (
        "Step **t = {t}** of {n}: the decoder emits **{token}** with probability **{p}**{forced}. "
        "Output so far: {so_far}",
        "第 **t = {t}** 步（共 {n} 步）：解码器输出 **{token}**，概率 **{p}**{forced}。目前的输出：{so_far}",
    ),
    "translate.aer": (
        "Dotted orange cells: the gold alignment of the correct output. AER of this example (argmax-α of the "
        "correct output vs gold): **{aer:.2f}** — 0 means the model looks exactly where the task says it should.",
        "橙色虚线格：正确输出的标准对齐。本例的 AER（正确输出的 argmax-α 与标准对齐相比）：**{aer:.2f}** — "
        "0 表示模型恰好看向任务要求的位置。",
    ),
    "translate.aer_no_outline": (
        " The model's output differs from the correct one, so no outline is drawn.",
        " 模型的输出与正确答案不同，因此不画轮廓。",
    ),
    "translate.vanilla_info": (
        "This is a **vanilla** decoder: it has no attention, so there is no α to draw. At every step it reads "
        "the same fixed vector $c = h_T$ ({D} numbers), whatever the input's length — the rows of the context "
        "strip below are identical.",
        "这是一个**普通**解码器：它没有注意力，所以没有 α 可画。无论输入多长，它每一步读取的都是同一个固定向量 "
        "$c = h_T$（{D} 个数）— 下方上下文条的各行完全相同。",
    ),
    "translate.whatif": (
        "**What if?** Force another candidate at this step and decode on from there:",
        "**假设分析：** 在这一步强制选择另一个候选，然后从那里继续解码：",
    ),
    "translate.undo": ("↩ Undo the what-if (back to the model's own choices)", "↩ 撤销假设（回到模型自己的选择）"),
    "translate.why_not": (
        "Why not this answer? Score a target of your own with teacher forcing",
        "为什么不是这个答案？用教师强制给你自己的目标打分",
    ),
    "translate.why_not_caption": (
        "The model reads your target one token at a time (teacher forcing) and says how likely it finds each "
        "token — and, for attention models, where it looks while producing it.",
        "模型一次读入你的目标中的一个词元（教师强制），给出每个词元的概率 — 对注意力模型，还显示它生成每个词元时看向哪里。",
    ),
    "translate.target_y": ("Target y", "目标 y"),
    "translate.target_logp": (
        "log p(y | x) = **{target:.2f}** for this target, against **{output:.2f}** for the output above ({text}).",
        "这个目标的 log p(y | x) = **{target:.2f}**，上面的输出（{text}）为 **{output:.2f}**。",
    ),
    "translate.export": ("Export", "导出"),
    "translate.export_csv": ("Alignment α (CSV)", "对齐 α（CSV）"),
    "translate.export_json": ("The whole trace (JSON)", "完整解码记录（JSON）"),
    "translate.export_html": (
        "The decoding, animated (one HTML file that plays offline)",
        "解码动画（单个 HTML 文件，可离线播放）",
    ),
    "translate.export_caption": (
        "Every chart's camera icon (top right of the chart) saves it as a PNG at twice the screen resolution.",
        "每张图右上角的相机图标可以把它存为两倍屏幕分辨率的 PNG。",
    ),
    # --- Beam ---------------------------------------------------------------------------------
    "beam.title": ("Beam search", "束搜索"),
    "beam.caption": (
        "Greedy decoding keeps one candidate per step; beam search keeps the *width* most likely prefixes, scored "
        "by their total log-probability, and finishes when enough of them have emitted </s>. Faded nodes are "
        "candidates the beam threw away; diamonds are finished hypotheses with their length-normalised score; the "
        "red path is the winner. Click a node to inspect it.",
        "贪心解码每步只保留一个候选；束搜索保留 *束宽* 个最可能的前缀，按总对数概率打分，直到足够多的前缀输出了 </s>。"
        "淡色节点是被束丢弃的候选；菱形是已完成的假设及其长度归一化得分；红色路径是最终胜出者。点击节点可查看详情。",
    ),
    "beam.clamped": (
        "Beam width {wanted} is outside 1–{top}; using {used}.",
        "束宽 {wanted} 超出 1–{top}；改用 {used}。",
    ),
    "beam.input_help": ("Press Enter to search.", "按回车开始搜索。"),
    "beam.width": ("Beam width", "束宽"),
    "beam.alpha": ("Length penalty α", "长度惩罚 α"),
    "beam.alpha_help": (
        "GNMT: score / ((5 + |y|) / 6)^α. 0 = off (raw log-probability, which favours short outputs).",
        "GNMT：得分 / ((5 + |y|) / 6)^α。0 = 关闭（原始对数概率，偏爱短输出）。",
    ),
    "beam.show_pruned": ("Show pruned candidates", "显示被剪掉的候选"),
    "beam.greedy_output": ("**Greedy output**", "**贪心解码输出**"),
    "beam.beam_output": ("**Beam output (width {k})**", "**束搜索输出（束宽 {k}）**"),
    "beam.differs": (" · :green[**differs from greedy**]", " · :green[**与贪心解码不同**]"),
    "beam.options": ("Length penalty and pruned candidates", "长度惩罚与被剪掉的候选"),
    "beam.width_help": (
        "How many prefixes the beam keeps at each step (1 = greedy; at most {top}).",
        "每一步保留的前缀数（1 = 贪心；最多 {top}）。",
    ),
    "beam.nbest": ("**n-best list**", "**n-best 列表**"),
    "beam.col_rank": ("rank", "名次"),
    "beam.col_output": ("output", "输出"),
    "beam.col_finished": ("finished", "已完成"),
    "beam.col_logp": ("log p", "log p"),
    "beam.col_norm": ("normalised", "归一化得分"),
    "beam.selected": (
        "**Selected hypothesis** (step {step}, {status}): {prefix}  \nlog p(token) = {logp:.3f} · cumulative "
        "log p = {score:.3f} · normalised = {norm:.3f}",
        "**选中的假设**（第 {step} 步，{status}）：{prefix}  \nlog p(词元) = {logp:.3f} · 累计 log p = {score:.3f} · "
        "归一化 = {norm:.3f}",
    ),
    "beam.status.root": ("root", "根"),
    "beam.status.kept": ("kept", "保留"),
    "beam.status.pruned": ("pruned", "剪掉"),
    "beam.status.finished": ("finished", "已完成"),
    "beam.status.winner": ("winner", "胜出"),
    "beam.vanilla_node": (
        "A vanilla decoder has no α: every step of every hypothesis reads the same c.",
        "普通解码器没有 α：每个假设的每一步读取的都是同一个 c。",
    ),
    "beam.click_hint": (
        "Click a node of the tree to see its hypothesis, its scores and its attention.",
        "点击树上的节点，查看它的假设、得分和注意力。",
    ),
    "beam.side_by_side": ("Side by side with {other}", "与 {other} 并排对比"),
    # --- teaching examples found by searching generated inputs (seq2seq/ui/examples.py) ------
    "examples.beam_find": (
        "🔎 Find an input where beam search (width {k}) beats greedy",
        "🔎 找一个束搜索（束宽 {k}）胜过贪心解码的输入",
    ),
    "examples.beam_find_help": (
        "Searches up to {n} generated inputs of this model's task (a few seconds, once per model).",
        "在此模型任务的生成输入中搜索，最多 {n} 个（几秒钟，每个模型只搜一次）。",
    ),
    "examples.beam_searching": (
        "Searching up to {n} generated inputs for one where beam search (width {k}) beats greedy…",
        "正在最多 {n} 个生成输入中寻找束搜索（束宽 {k}）胜过贪心解码的例子……",
    ),
    "examples.beam_none": (
        "Among {n} generated inputs there is none where beam search (width {k}) beats greedy decoding: this "
        "model's greedy output is already the likeliest the beam can find.",
        "在 {n} 个生成输入中，没有一个让束搜索（束宽 {k}）胜过贪心解码：此模型贪心解码的输出已经是束搜索能找到的最可能的输出。",
    ),
    "examples.beam_try": ("👉 Try this: {source}", "👉 试试这个：{source}"),
    "examples.beam_found": (
        "Found among {n} generated inputs: on **{source}** beam search (width {k}) reaches log p = {b:.3f}, "
        "greedy only {g:.3f}. {verdict}",
        "在 {n} 个生成输入中找到：对 **{source}**，束搜索（束宽 {k}）的 log p = {b:.3f}，贪心解码只有 {g:.3f}。{verdict}",
    ),
    "examples.beam_this_one": (
        "This input makes the point: beam search (width {k}) reaches log p = {b:.3f}, greedy only {g:.3f}. {verdict}",
        "这个输入正说明问题：束搜索（束宽 {k}）的 log p = {b:.3f}，贪心解码只有 {g:.3f}。{verdict}",
    ),
    "examples.beam_fixes": ("Greedy is wrong, the beam is right.", "贪心解码错了，束搜索对了。"),
    "examples.beam_likelier": (
        "The beam's output is likelier, yet not the right answer: a higher log p is not always better.",
        "束搜索的输出概率更高，却不是正确答案：log p 更高不一定更好。",
    ),
    "examples.beam_longer": (
        "(No such input within the training lengths; this one is longer.)",
        "（训练长度范围内没有这样的输入；这个更长。）",
    ),
    # --- Compare ------------------------------------------------------------------------------
    "compare.title": ("Compare", "对比"),
    "compare.caption": (
        "The same input through two models. By default the vanilla and the attention model of one task: same "
        "encoder, same training budget — the only difference is whether the decoder reads one fixed c or a fresh "
        "cₜ at every step.",
        "同一个输入送进两个模型。默认是同一任务的普通模型和注意力模型：编码器相同，训练预算相同 — "
        "唯一的区别是解码器读取一个固定的 c，还是每一步都读取新的 cₜ。",
    ),
    "compare.left": ("Left model", "左侧模型"),
    "compare.right": ("Right model", "右侧模型"),
    "compare.incompatible": (
        "These two models cannot be compared on the same inputs: {problem}. Pick two models of one task.",
        "这两个模型无法在相同输入上比较：{problem}。请选择同一任务的两个模型。",
    ),
    "compare.gen_len": ("Length of a generated input", "生成输入的长度"),
    "compare.gen_len_help": (
        "The models were trained on {lo}–{hi}; try longer.",
        "模型训练时的长度为 {lo}–{hi}；试试更长的。",
    ),
    "compare.generate": ("Generate an input of this length", "生成此长度的输入"),
    "compare.output": ("**Output** ", "**输出** "),
    "compare.correct": ("✅ correct", "✅ 正确"),
    "compare.wrong": ("❌ wrong (red tokens differ)", "❌ 错误（红色词元不同）"),
    "compare.context_attention": (
        "Its context: a fresh $c_t = \\sum_i \\alpha_{{t,i}} h_i$ at every step.",
        "它的上下文：每一步都有新的 $c_t = \\sum_i \\alpha_{{t,i}} h_i$。",
    ),
    "compare.context_vanilla": (
        "Its context: the one fixed $c = h_T$, the same at every step.",
        "它的上下文：唯一的固定向量 $c = h_T$，每一步都相同。",
    ),
    "compare.all_families": ("All three families on the curve", "曲线上显示全部三类模型"),
    "compare.all_families_help": (
        "Adds a model of each family these two are not (vanilla, RNN + attention, Transformer) trained on the "
        "same task, so the curve shows all three side by side, including inputs longer than the training range.",
        "为这两个模型之外的每一类（普通、RNN + 注意力、Transformer）各加一个在同一任务上训练的模型，"
        "使曲线并排显示三类模型，包括比训练范围更长的输入。",
    ),
    "compare.bottleneck": ("Where the fixed vector gives out", "固定向量在哪里撑不住"),
    "compare.curve_caption": (
        "Exact match on about {n:,} fresh inputs per model, by source length (hover for the number of inputs per "
        "point); the grey band is the range of lengths seen in training. Bahdanau et al. (2015), Fig. 2, on a toy "
        "task.",
        "每个模型在约 {n:,} 个新输入上的完全匹配率，按源序列长度统计（悬停可看每个点的输入数）；"
        "灰色带是训练时见过的长度范围。对应 Bahdanau 等（2015）图 2，这里用的是玩具任务。",
    ),
    "compare.learned": ("How they learned", "它们是怎样学会的"),
    # --- Errors: where the model fails, and whether its attention says so in advance ---------
    # --- States page ----------------------------------------------------------------------------
    "states.title": ("Inside the states", "隐状态里有什么"),
    "states.caption": (
        "The encoder states $h_1 \\dots h_T$ and the decoder states $s_1 \\dots s_{{T'}}$ of this input, projected on the first principal "
        "axes of the states of many held-out inputs: the axes stay put while the input changes. Below: the training "
        "steps whose $s_t$ is most like this one.",
        "本输入的编码器状态 $h_1 \\dots h_T$ 与解码器状态 $s_1 \\dots s_{{T'}}$，投影到许多留出输入的状态的前几个主成分轴上："
        "换输入时坐标轴不变。下方：与当前 $s_t$ 最相似的训练步。",
    ),
    "states.upload": ("The model's training pairs (TSV or CSV)", "该模型的训练样本对（TSV 或 CSV）"),
    "states.upload_needed": (
        "This model was trained on your own pairs, which its file does not keep: upload them to fit the axes and "
        "to find the nearest training steps.",
        "该模型用你自己的样本对训练，模型文件不保存它们：请上传，以拟合坐标轴并查找最相似的训练步。",
    ),
    "states.dims": ("View", "视图"),
    "states.dims.2": ("2-D", "二维"),
    "states.dims.3": ("3-D", "三维"),
    "states.colour": ("Colour by", "着色依据"),
    "states.colour.position": ("position", "位置"),
    "states.colour.token": ("token", "词元"),
    "states.growth": ("c of longer and longer inputs", "越来越长的输入的 c"),
    "states.growth_help": (
        "The fixed context c of inputs made by repeating this one to T = 2, 3, … tokens, on the same axes: "
        "does c keep track of long inputs, or does it stop moving?",
        "把本输入重复成 T = 2, 3, … 个词元，在同一坐标轴上画出各自的固定上下文 c：c 能否跟上长输入，还是不再移动？",
    ),
    "states.fitting": ("Fitting the axes on {n} held-out inputs…", "正在用 {n} 个留出输入拟合坐标轴……"),
    "states.indexing": (
        "Indexing {n} training examples (once per model)…",
        "正在为 {n} 个训练样本建立索引（每个模型一次）……",
    ),
    "states.fitted": (
        "Axes: PCA of the states of {n} held-out inputs (teacher forced). Index: {examples:,} training examples, "
        "{rows:,} decoder steps.",
        "坐标轴：{n} 个留出输入（教师强制）的状态的主成分分析。索引：{examples:,} 个训练样本，{rows:,} 个解码步。",
    ),
    "states.transformer_note": (
        "A Transformer: $h_i$ is the encoder's output, $s_t$ the last decoder layer's (after layer norm); its c is the "
        "mean of the $h_i$, which its decoder never reads.",
        "Transformer：$h_i$ 是编码器的输出，$s_t$ 是最后一个解码层（层归一化之后）的输出；它的 c 是 $h_i$ 的平均，解码器并不读取它。",
    ),
    "states.nearest": ("Training steps nearest to $s_{{{t}}}$", "与 $s_{{{t}}}$ 最相似的训练步"),
    "states.k": ("How many", "显示个数"),
    "states.col_sim": ("cosine", "余弦相似度"),
    "states.col_source": ("source x (blue: where that step looked most)", "源序列 x（蓝底：该步注意力最大的位置）"),
    "states.col_target": ("target y (red: that step's token)", "目标序列 y（红色：该步的词元）"),
    "states.nearest_caption": (
        "Each training pair read with teacher forcing; the similarity is that of the two $s_t$. "
        "“This step behaves like these training steps.”",
        "每个训练样本对都以教师强制方式读取；相似度是两个 $s_t$ 的余弦相似度。“这一步的行为像这些训练步。”",
    ),
    "states.nearest_caption_vanilla": (
        "Each training pair read with teacher forcing; the similarity is that of the two $s_t$. A vanilla decoder has "
        "no α, so no source position is marked.",
        "每个训练样本对都以教师强制方式读取；相似度是两个 $s_t$ 的余弦相似度。朴素解码器没有 α，因此不标出源位置。",
    ),
    "errors.title": ("Where the model fails", "模型错在哪里"),
    "errors.caption": (
        "Decode many inputs at once and ask: which inputs fail, and does the attention tell us in advance? "
        "One row per input; ↗ opens it on the Translate page.",
        "一次解码许多输入，然后问：哪些输入会出错？注意力能否预先告诉我们？每行一个输入；↗ 在“逐步解码”页打开它。",
    ),
    "errors.inputs": ("Inputs", "输入"),
    "errors.inputs.heldout": ("held-out, as in training", "留出集（与训练同分布）"),
    "errors.inputs.longer": ("every length, up to 2× the training's", "各种长度，直到训练长度的 2 倍"),
    "errors.inputs.pairs": ("an uploaded pairs file", "上传的句对文件"),
    "errors.n": ("How many", "数量"),
    "errors.upload": ("Pairs file (TSV/CSV: source, target)", "句对文件（TSV/CSV：源序列、目标序列）"),
    "errors.upload_needed": ("Upload a pairs file to analyse the model on.", "请上传一个句对文件来分析该模型。"),
    "errors.decoding": ("Decoding {n} inputs…", "正在解码 {n} 个输入…"),
    "errors.summary": (
        "**{wrong}** of **{n}** outputs are wrong: error rate **{rate:.1%}**.",
        "**{n}** 个输出中有 **{wrong}** 个错误：错误率 **{rate:.1%}**。",
    ),
    "errors.none_wrong": (
        "The model gets every one of these inputs right, so there is nothing to predict. "
        "Try inputs of every length, up to twice the training's.",
        "模型对这些输入全部答对，没有可预测的错误。试试“各种长度”的输入（直到训练长度的 2 倍）。",
    ),
    "errors.heads": (
        "A Transformer's α is an average over heads that builds no context by itself: only log p(y | x) and the "
        "length are measured here.",
        "Transformer 的 α 是各注意力头的平均，本身并不构成上下文：这里只测量 log p(y | x) 和长度。",
    ),
    "errors.vanilla": (
        "A vanilla decoder has no attention: only log p(y | x) and the length can flag an error.",
        "无注意力的解码器没有 α：只有 log p(y | x) 和长度能提示错误。",
    ),
    "errors.predict": ("Does it tell in advance?", "能否预先知道？"),
    "errors.predict_caption": (
        "AUC: the chance that a wrong output looks riskier than a right one (higher entropy, deficit, AER or "
        "length; lower log p). 0.5 = no better than a coin, 1 = every wrong output ranked above every right one. "
        "Quarters are cut by value, so ties can make a quarter larger.",
        "AUC：一个错误输出看起来比一个正确输出更“可疑”的概率（熵、覆盖不足、AER 或长度更高；log p 更低）。"
        "0.5 = 与抛硬币无异，1 = 每个错误输出都排在每个正确输出之前。四分位按数值切分，数值相同时某一组会更大。",
    ),
    "errors.predict.field": ("measured", "度量"),
    "errors.predict.auc": ("AUC", "AUC 值"),
    "errors.predict.top": ("error rate, riskiest ¼", "最可疑 ¼ 的错误率"),
    "errors.predict.bottom": ("error rate, safest ¼", "最稳妥 ¼ 的错误率"),
    "errors.table": ("Every input", "所有输入"),
    "errors.show": ("Show", "显示"),
    "errors.show.all": ("all", "全部"),
    "errors.show.wrong": ("wrong", "错误"),
    "errors.show.right": ("right", "正确"),
    "errors.sort": ("Sort by (most suspicious first)", "排序（最可疑的在前）"),
    "errors.shown": (
        "{shown} of {n} rows. A click on a column header sorts by it.",
        "显示 {n} 行中的 {shown} 行。点击列标题可按该列排序。",
    ),
    "errors.col.open": ("Translate", "逐步解码"),
    "errors.col.open_text": ("↗ open", "↗ 打开"),
    "errors.col.source": ("input x", "输入 x"),
    "errors.col.target": ("right answer", "正确答案"),
    "errors.col.output": ("output y", "输出 y"),
    "errors.col.correct": ("right?", "正确？"),
    "errors.col.log_prob": ("log p(y | x)", "log p(y | x)"),
    "errors.col.entropy": ("entropy", "熵"),
    "errors.col.coverage_deficit": ("coverage deficit", "覆盖不足"),
    "errors.col.aer": ("AER", "对齐错误率"),
    "errors.col.length": ("length", "长度"),
    "errors.help.log_prob": (
        "log-probability of the model's own output: Σ_t log p(yₜ | y_<t, x)",
        "模型自身输出的对数概率：Σ_t log p(yₜ | y_<t, x)",
    ),
    "errors.help.entropy": (
        "mean entropy of αₜ over the steps (nats): 0 = one source token per step, log S = spread evenly",
        "各步 αₜ 的平均熵（奈特）：0 = 每步只看一个源词元，log S = 均匀分散",
    ),
    "errors.help.coverage_deficit": (
        "source tokens whose total attention Σ_t αₜ,ᵢ is below 0.5: tokens the decoder hardly looked at",
        "总注意力 Σ_t αₜ,ᵢ 低于 0.5 的源词元个数：解码器几乎没看过的词元",
    ),
    "errors.help.aer": (
        "alignment error rate of the argmax-α links against the task's gold alignment (empty without one)",
        "argmax-α 对齐与任务标准对齐之间的对齐错误率（没有标准对齐时为空）",
    ),
    "errors.help.length": ("source length in the model's tokens", "源序列长度（按模型的词元计）"),
    "errors.plots": ("Error rate against each measure", "错误率与各项度量"),
    # --- Train --------------------------------------------------------------------------------
    "train.settings": ("Task and settings", "任务与设置"),
    "train.title": ("Train", "训练"),
    "train.caption": (
        "Train a small encoder-decoder here and now. The defaults reach 99 % on reversing 3-12 letters in well "
        "under a minute; train a vanilla and an attention model with the same budget (or all three families, the "
        "Transformer too) and watch the bottleneck appear live.",
        "在这里当场训练一个小型编码器–解码器。默认设置在不到一分钟内就能在 3–12 个字母的反转任务上达到 99%；"
        "用相同预算训练普通模型和注意力模型（或连同 Transformer 三个一起），实时看到瓶颈出现。",
    ),
    "train.task": ("Task", "任务"),
    "train.own_pairs": ("your own pairs (upload)", "你自己的句对（上传）"),
    "train.pairs_file": (
        "Pairs file: TSV (source⇥target, extra columns ignored, e.g. Tatoeba's) or CSV; UTF-8 or UTF-16",
        "句对文件：TSV（源⇥目标，多余的列会被忽略，例如 Tatoeba 的格式）或 CSV；UTF-8 或 UTF-16",
    ),
    "train.upload_prompt": ("Upload a file of source/target pairs to train on.", "请上传一个源/目标句对文件用于训练。"),
    "train.first_pairs": ("Using the first {limit:,} of {n:,} pairs.", "使用 {n:,} 个句对中的前 {limit:,} 个。"),
    "train.lengths": ("String lengths", "字符串长度"),
    "train.col_source": ("source", "源"),
    "train.col_target": ("target", "目标"),
    "train.tokenizer": ("Tokenizer", "分词器"),
    "train.vocab": ("Sentencepiece vocabulary", "Sentencepiece 词表大小"),
    "train.vocab_help": ("Only for the sentencepiece tokenizer.", "仅用于 sentencepiece 分词器。"),
    "train.cell": ("Encoder/decoder cell", "编码器/解码器单元"),
    "train.hidden": ("Hidden size (per direction)", "隐藏层大小（每个方向）"),
    "train.d_model": ("Width d_model (Transformer)", "宽度 d_model（Transformer）"),
    "train.layers": ("Layers", "层数"),
    "train.bidirectional": ("Bidirectional encoder", "双向编码器"),
    "train.decoder": ("Decoder", "解码器"),
    "train.score": ("Attention score", "注意力打分函数"),
    "train.placement": ("Where attention sits", "注意力的位置"),
    "train.placement.bahdanau": ("Bahdanau: from sₜ₋₁, before the step", "Bahdanau：用 sₜ₋₁，在 RNN 步之前"),
    "train.placement.luong": ("Luong: from sₜ, after the step (fast)", "Luong：用 sₜ，在 RNN 步之后（快）"),
    "train.input_feeding": ("Input feeding (Luong)", "输入馈送（Luong）"),
    "train.norm": ("α from e by", "由 e 得到 α 的方式"),
    "train.norm.softmax": ("softmax", "softmax（稠密）"),
    "train.norm.sparsemax": ("sparsemax (exact zeros)", "sparsemax（精确的零）"),
    "train.norm.entmax15": ("entmax-1.5 (exact zeros)", "entmax-1.5（精确的零）"),
    "train.window": ("Local window D (0 = global)", "局部窗口 D（0 = 全局）"),
    "train.coverage": ("Coverage (additive score)", "覆盖（加性打分）"),
    "train.coverage_loss": ("Coverage loss weight λ", "覆盖损失权重 λ"),
    "train.together": ("Train", "训练"),
    "train.together.one": ("the decoder above", "上面选的解码器"),
    "train.together.pair": ("vanilla and attention, same budget", "普通与注意力，相同预算"),
    "train.together.three": ("all three: vanilla, attention, Transformer", "三个都训练：普通、注意力、Transformer"),
    "train.heads": ("Heads (Transformer)", "注意力头数（Transformer）"),
    "train.hidden_help": (
        "An RNN's state size per direction; a Transformer's d_model (its feed-forward layer is twice as wide).",
        "RNN 每个方向的状态大小；Transformer 的 d_model（其前馈层宽度为它的两倍）。",
    ),
    "train.layers_help": ("1–2 for an RNN, 1–4 for the Transformer.", "RNN 为 1–2 层，Transformer 为 1–4 层。"),
    "train.teacher_forcing": ("Teacher-forcing ratio", "教师强制比例"),
    "train.lr": ("Learning rate", "学习率"),
    "train.lr_help": (
        "Adam's step size. A Transformer trains at a fifth of it: without warm-up it is unstable at an RNN's rate.",
        "Adam 的步长。Transformer 用它的五分之一训练：没有预热时，RNN 的学习率会让它不稳定。",
    ),
    "train.batch": ("Batch size", "批大小"),
    "train.n_train": ("Training pairs (generated)", "训练样本数（生成）"),
    "train.seconds": ("Time budget (s)", "时间预算（秒）"),
    "train.target": ("Stop at held-out exact match", "留出集完全匹配率达到此值时停止"),
    "train.submit": ("▶ Train", "▶ 训练"),
    "train.load_ckpt": (
        "Load a checkpoint file (.safetensors) into this session",
        "把模型文件（.safetensors）加载到本次会话",
    ),
    "train.ckpt_label": ("Checkpoint", "模型文件"),
    "train.refused": ("This file was refused: {error}.", "此文件被拒绝：{error}。"),
    "train.loaded_as": ("Loaded as {name}: pick it in the sidebar.", "已加载为 {name}：请在侧边栏中选择。"),
    "train.still_running": (
        "Your previous training is still running: stop it first.",
        "你之前的训练仍在进行：请先停止它。",
    ),
    "train.cannot": ("These settings cannot train: {error}.", "这些设置无法训练：{error}。"),
    "train.queued": (
        "Waiting for the server's training slot (position {position} in the queue)…",
        "正在等待服务器的训练名额（队列中第 {position} 位）……",
    ),
    "train.progress": (
        "Training the {label} model: {done:.0f} s of {budget:.0f}{acc}",
        "正在训练 {label} 模型：{done:.0f} / {budget:.0f} 秒{acc}",
    ),
    "train.progress_acc": (", held-out exact match {acc:.1%}", "，留出集完全匹配率 {acc:.1%}"),
    "train.stop": ("■ Stop (keep what it has learned)", "■ 停止（保留已学到的）"),
    "train.done": ("Training {state}{message}.", "训练{state}{message}。"),
    "train.state.done": ("done", "完成"),
    "train.state.stopped": ("stopped", "已停止"),
    "train.state.failed": ("failed", "失败"),
    "train.state.running": ("running", "进行中"),
    "train.state.queued": ("queued", "排队中"),
    "train.probe_title": (
        "Attention of a held-out probe input at step {step}",
        "第 {step} 步时一个留出探针输入的注意力",
    ),
    "train.your_models": ("Your models", "你的模型"),
    "train.result": (
        "**{name}**: held-out exact match **{em:.1%}** after {steps} steps ({seconds:.0f} s). It is now in the "
        "sidebar's model list on every page, in this browser only, and stays there when the page reloads.",
        "**{name}**：训练 {steps} 步（{seconds:.0f} 秒）后留出集完全匹配率 **{em:.1%}**。"
        "它现在出现在每一页侧边栏的模型列表中，仅限本浏览器，刷新页面后依然存在。",
    ),
    "train.use": ("Use it", "使用它"),
    "train.download": ("Download .safetensors", "下载 .safetensors"),
    "train.save_as": ("Save to checkpoints/ as", "保存到 checkpoints/，文件名"),
    "train.save": ("Save", "保存"),
    "train.bad_name": (
        "Use 1-48 lowercase letters, digits, '-' or '_' (starting with a letter or digit).",
        "请使用 1–48 个小写字母、数字、'-' 或 '_'（以字母或数字开头）。",
    ),
    "train.exists": (
        "{name} already exists; shipped and saved models are never overwritten.",
        "{name} 已存在；自带的和已保存的模型永远不会被覆盖。",
    ),
    "train.saved": ("Saved as checkpoints/{file}.", "已保存为 checkpoints/{file}。"),
    "train.replay": ("Replay: attention learning to align", "回放：注意力学会对齐的过程"),
    "train.replay_step": ("Validation step", "验证步"),
    "train.replay_format": ("step {step}", "第 {step} 步"),
    "train.replay_title": ("α of “{source}” at step {step}", "第 {step} 步时 “{source}” 的 α"),
    # --- figures (Plotly: <sub> and <br> allowed) ---------------------------------------------
    "fig.heatmap.title": (
        "Attention α<sub>t,i</sub> — columns: source x<sub>i</sub>, rows: output y<sub>t</sub>",
        "注意力 α<sub>t,i</sub> — 列：源 x<sub>i</sub>，行：输出 y<sub>t</sub>",
    ),
    "fig.heatmap.nonzero": ("α > 0", "α > 0 个数"),
    "fig.coverage.title": (
        "Coverage after step {t}: Σ α<sub>t′,i</sub> over t′ ≤ {t}",
        "第 {t} 步后的覆盖度：t′ ≤ {t} 的 Σ α<sub>t′,i</sub>",
    ),
    "fig.output_yt": ("output y<sub>t</sub>", "输出 y<sub>t</sub>"),
    # the Transformer's heads (figures.heads_grid, decoder_self_attention, encoder_self_attention)
    "fig.heads.title": (
        "Cross-attention of every layer × head (step {step} outlined)",
        "每一层 × 每个头的交叉注意力（第 {step} 步加框）",
    ),
    "fig.heads.one": ("layer {layer}, head {head}", "第 {layer} 层，第 {head} 个头"),
    "fig.heads.average": ("layer {layer}, head average", "第 {layer} 层，各头平均"),
    "fig.heads.average_last": ("last layer, head average", "最后一层，各头平均"),
    "fig.self_dec.title": (
        "Decoder masked self-attention ({which}): blank = the future it cannot see",
        "解码器掩码自注意力（{which}）：空白 = 看不到的未来",
    ),
    "fig.self_enc.title": ("Encoder self-attention ({which})", "编码器自注意力（{which}）"),
    "fig.self_enc.rows": ("source token (query)", "源词元（查询）"),
    # the Lecture's §8 (figures.qkv_heatmaps, step_time_chart)
    "fig.qkv.title": (
        "q, K, α, V at t = {t} ({which})",
        "第 t = {t} 步的 q, K, α, V（{which}）",
    ),
    "fig.steps.title": (
        "ms per step (batch {b}, width {d}, {threads} threads)",
        "每步毫秒数（批 {b}，宽 {d}，{threads} 线程）",
    ),
    "fig.steps.x": ("sequence length n (tokens)", "序列长度 n（词元）"),
    "fig.steps.y": ("ms per training step", "每个训练步的毫秒数"),
    "fig.steps.recurrent": ("RNN + attention", "RNN + 注意力"),
    "fig.steps.parallel": ("Transformer", "Transformer 模型"),
    "fig.source_xi": ("source x<sub>i</sub>", "源 x<sub>i</sub>"),
    "fig.target_yt": ("target y<sub>t</sub>", "目标 y<sub>t</sub>"),
    "fig.probability": ("probability", "概率"),
    "fig.value": ("value", "数值"),
    "fig.alpha_bars.title": (
        "α<sub>{t},i</sub> at step t = {t} (emitting “{token}”)",
        "第 t = {t} 步的 α<sub>{t},i</sub>（输出 “{token}”）",
    ),
    # --- Explain: is attention an explanation? (pages/explain.py, seq2seq/analysis/attribution.py) --------
    "explain.title": ("Is attention an explanation?", "注意力是解释吗？"),
    "explain.intro": (
        "α says where the decoder looks. Does the output depend on what it looks at? Beside α: gradients of "
        "log p(yₜ) with respect to the source embeddings, integrated gradients, and occlusion (the drop in "
        "log p(yₜ) when xᵢ is replaced by ⟨unk⟩). Below: change αₜ and watch "
        "yₜ (Jain & Wallace 2019; Wiegreffe & Pinter 2019; Serrano & Smith 2019).",
        "α 说明解码器在看哪里。输出是否依赖于它所看的内容？与 α 并列：log p(yₜ) 对源嵌入的梯度、"
        "积分梯度，以及遮挡（把 xᵢ 换成 ⟨unk⟩ 时 log p(yₜ) 的下降）。下方：改变 "
        "αₜ，观察 yₜ（Jain & Wallace 2019；Wiegreffe & Pinter 2019；Serrano & Smith 2019）。",
    ),
    "explain.method": ("Attribution beside α", "与 α 并列的归因方法"),
    "explain.method_help": (
        "Which attribution is drawn beside α. In the link as method=….",
        "在 α 旁边显示哪种归因。链接中为 method=…。",
    ),
    "explain.method.alpha": ("attention α", "注意力 α"),
    "explain.method.saliency": ("saliency ‖∇‖", "显著性 ‖∇‖"),
    "explain.method.grad-input": ("gradient × input", "梯度 × 输入"),
    "explain.method.ig": ("integrated gradients", "积分梯度"),
    "explain.method.occlusion": ("occlusion (xᵢ → unk)", "遮挡（xᵢ → unk）"),  # ⟨⟩ read as a second pair of ( )
    "explain.ig_steps": ("Integrated-gradient steps", "积分梯度步数"),
    "explain.output": (
        "Output y = `{output}` ({n} steps, </s> included), the model's own greedy decode.",
        "输出 y = `{output}`（共 {n} 步，含 </s>），即模型自己的贪心解码。",
    ),
    "explain.agreement_head": (
        "**Agreement with α** over the steps of this output",
        "**与 α 的一致性**（本输出的所有步）",
    ),
    "explain.col_method": ("method", "方法"),
    "explain.col_tau": ("mean Kendall τ with α", "与 α 的平均 Kendall τ"),
    "explain.col_top1": ("same top token as α", "最重要词元与 α 相同"),
    "explain.reading": (
        "τ = 1: the method ranks the source tokens as α does; 0: no relation. Top-1: how often both put "
        "the same xᵢ first. AER: the alignment error of each method's argmax against the task's "
        "gold alignment (when the output is right). Gradient methods are compared by |score|.",
        "τ = 1：该方法对源词元的排序与 α 相同；0：毫无关系。Top-1：两者把同一个 xᵢ 排在第一位的比例。"
        "AER：每种方法取 argmax 得到的对齐相对任务标准对齐的错误率（输出正确时）。梯度方法按 |分数| 比较。",
    ),
    "explain.vanilla_info": (
        "This vanilla decoder has no α: it reads one fixed c. The attributions show that it still reads its "
        "input somewhere — which xᵢ each yₜ depends on.",
        "这个普通解码器没有 α：它只读取一个固定的 c。归因表明它仍然在读取输入——每个 yₜ 依赖哪些 xᵢ。",
    ),
    "explain.no_alpha": ("No α: a vanilla decoder.", "没有 α：普通解码器。"),
    "explain.no_alpha_heads": (
        "No single α: each of the Transformer's heads has its own.",
        "没有单一的 α：Transformer 的每个注意力头各有自己的权重。",
    ),
    "explain.step": (
        "Step t = {t} of {n}: yₜ = {token}",
        "第 t = {t} 步（共 {n} 步）：yₜ = {token}",
    ),
    "explain.interventions_head": ("Interventions at step t", "在第 t 步的干预"),
    "explain.interventions_caption": (
        "αₜ is replaced; the decoder's state before step t stays as it was. TVD: total variation "
        "distance between the old and the new p(yₜ) (0 = unchanged, 1 = disjoint).",
        "替换 αₜ，第 t 步之前的解码器状态保持不变。TVD：新旧 p(yₜ) 之间的总变差距离（0 = 不变，1 = 完全不同）。",
    ),
    "explain.adversarial": (
        "**Adversarial attention** (Jain & Wallace): the α̃_t furthest from αₜ that Adam found in 200 steps while "
        "p(yₜ) moved at most ε = {eps}: Jensen–Shannon divergence **{jsd:.2f}** (0 = the same, 1 = disjoint), "
        "TVD {tvd:.3f}, yₜ = **{y}** ({same}). A large JSD says another α would have done as well. Note that a "
        "repeated source token is an easy way out: α can move to its twin.",
        "**对抗注意力**（Jain & Wallace）：Adam 在 200 步内找到的、离 αₜ 最远、而 p(yₜ) 变化不超过 ε = {eps} 的 α̃_t："
        "Jensen–Shannon 散度 **{jsd:.2f}**（0 = 相同，1 = 完全不重叠），TVD {tvd:.3f}，yₜ = **{y}**（{same}）。"
        "JSD 大说明换一个 α 也一样行。注意：源序列中重复的词元是条捷径，α 可以移到它的“孪生”词元上。",
    ),
    "explain.col_intervention": ("intervention on αₜ", "对 αₜ 的干预"),
    "explain.col_new_y": ("new yₜ", "新的 yₜ"),
    "explain.col_tvd": ("TVD of p(yₜ)", "p(yₜ) 的 TVD"),
    "explain.iv_permuted": (
        "permuted at random ({n} draws): yₜ flips in {flips}",
        "随机置换（{n} 次）：yₜ 改变 {flips} 次",
    ),
    "explain.iv_uniform": ("uniform (every xᵢ alike)", "均匀（所有 xᵢ 相同）"),
    "explain.iv_erase_max": ("most attended xᵢ = “{x}” erased", "删去最受关注的 xᵢ = “{x}”"),
    "explain.iv_erase_random": ("a random xᵢ = “{x}” erased", "随机删去 xᵢ = “{x}”"),
    "explain.edit_head": (
        "**Edit αₜ by hand** (normalised to sum 1), then decode on from step {t}:",
        "**手动编辑 αₜ**（归一化为和为 1），然后从第 {t} 步继续解码：",
    ),
    "explain.edit_run": ("Decode with this α", "用这个 α 解码"),
    "explain.edit_result": (
        "Step {t}: yₜ {before} → {after} (TVD {tvd:.3f}). Output: `{output}` (was `{original}`).",
        "第 {t} 步：yₜ {before} → {after}（TVD {tvd:.3f}）。输出：`{output}`（原为 `{original}`）。",
    ),
    "explain.edit_changed": (
        "The output changed: the decoder uses what α points at.",
        "输出改变了：解码器使用 α 所指的内容。",
    ),
    "explain.edit_same": ("The output did not change.", "输出没有改变。"),
    "explain.zoo_head": ("The shipped models of this task, side by side", "此任务的自带模型并列对比"),
    "explain.zoo_caption": (
        "Every shipped attention model that reads this task's inputs, each over {n} held-out inputs (its own "
        "output; integrated gradients with {steps} steps). Computed once per server.",
        "读取此任务输入的每个自带注意力模型，各在 {n} 个留出输入上（用模型自己的输出；积分梯度 {steps} 步）。每个服务器只算一次。",
    ),
    "explain.zoo_run": ("Measure all {k} models", "测量全部 {k} 个模型"),
    "explain.zoo_measuring": ("Measuring {k} models over {n} inputs each…", "正在测量 {k} 个模型，各 {n} 个输入……"),
    "explain.col_model": ("model", "模型"),
    "explain.col_variant": ("variant", "变体"),
    "explain.col_top1_ig": ("top-1 (α, IG)", "首位一致（α, IG）"),
    "explain.col_perm_flips": ("permuted α flips yₜ", "打乱 α 改变 yₜ"),
    "explain.zoo_off": (
        "On **{name}** α is furthest from what the output depends on: its alignment error is **{a:.2f}**, "
        "against **{b:.2f}** for the attributions' argmax — yet permuting its α flips yₜ **{flips:.0%}** of the "
        "time. The model uses α, but α does not point at the token that matters.",
        "在 **{name}** 上，α 离输出真正依赖的地方最远：它的对齐错误率为 **{a:.2f}**，而归因取最大处只有 **{b:.2f}**"
        "——但打乱它的 α 仍有 **{flips:.0%}** 的情况改变 yₜ。模型在用 α，但 α 并不指向真正起作用的词元。",
    ),
    "explain.zoo_agree": (
        "On all {k} models α's alignment is about as good as the attributions': here α points where the output "
        "depends.",
        "在全部 {k} 个模型上，α 的对齐与归因的对齐差不多好：这里 α 指向输出所依赖的地方。",
    ),
    "explain.summary_head": ("Over {n} held-out inputs", "在 {n} 个留出输入上"),
    "explain.summary_run": ("Measure over {n} inputs", "在 {n} 个输入上测量"),
    "explain.summary_no_task": (
        "This model's task does not generate held-out inputs.",
        "该模型的任务无法生成留出输入。",
    ),
    "explain.measuring": ("Attributing and intervening on {n} inputs…", "正在对 {n} 个输入计算归因并干预…"),
    "explain.summary_flips": (
        "{n} inputs, {steps} steps. A random permutation of αₜ flips yₜ in **{perm:.0%}** "
        "of the draws (median TVD {tvd:.2f}); uniform αₜ flips **{uniform:.0%}** of the steps. Erasing "
        "the most attended xᵢ flips **{emax:.0%}**, a random one **{erand:.0%}**.",
        "{n} 个输入，{steps} 步。随机置换 αₜ 在 **{perm:.0%}** 的抽样中改变 yₜ"
        "（TVD 中位数 {tvd:.2f}）；均匀 αₜ 改变 **{uniform:.0%}** 的步。删去最受关注的 "
        "xᵢ 改变 **{emax:.0%}**，随机删去一个改变 **{erand:.0%}**。",
    ),
    # --- issue 31: integrated gradients that add up or say they don't; Transformer heads ---------------
    "explain.ig_converged_all": (
        "Integrated gradients add up at every step ({k} of {n}): Σ_i IGₜ,ᵢ = log p(yₜ|x) − log p(yₜ|⟨pad⟩…) "
        "within max(0.05 nats, 5 %) ({steps}–{max_steps} steps per row, more where a row needed them).",
        "积分梯度在每一步都加得上（{k}/{n}）：Σ_i IGₜ,ᵢ 与 log p(yₜ|x) − log p(yₜ|⟨pad⟩…) 之差不超过 "
        "max(0.05 nats, 5 %)（每行 {steps}–{max_steps} 步，需要时自动加密）。",
    ),
    "explain.ig_not_converged": (
        "⚠ At {bad} of {n} steps the integrated gradients do not add up to the change in log p(yₜ) even with "
        "{max_steps} steps, so those rows (hatched) cannot be trusted and are left out of the agreement numbers.",
        "⚠ 有 {bad}/{n} 步的积分梯度即使用 {max_steps} 步也加不到 log p(yₜ) 的变化量，这些行（画斜线）"
        "不可信，已从一致性数值中剔除。",
    ),
    "explain.col_steps": ("steps covered", "覆盖的步数"),
    "explain.steps_of": ("{k} of {n}", "{k}/{n}"),
    "explain.ig_steps_start_help": (
        "Steps every row starts with; a row whose integrated gradients do not add up gets more, up to {max_steps}.",
        "每行起始的积分步数；积分梯度加不上的行会自动加密，最多到 {max_steps} 步。",
    ),
    "explain.heads_head": (
        "**Which head attends where the output depends?** Each cross-attention head (and the average of each "
        "layer's heads) against {method}",
        "**哪个注意力头看向输出所依赖的地方？** 每个交叉注意力头（及每层的平均）与{method}的比较",
    ),
    "explain.col_head": ("head", "注意力头"),
    "explain.col_tau_method": ("mean Kendall τ", "平均 Kendall τ"),
    "explain.col_top1_method": ("same top token", "最重要词元相同"),
    "explain.col_aer_head": ("AER of the head", "该头的 AER"),
    "explain.head_name": ("layer {layer}, head {head}", "第 {layer} 层，第 {head} 头"),
    "explain.head_average": ("layer {layer}, average", "第 {layer} 层，平均"),
    "explain.best_head": (
        "Best-agreeing head with {method}: **{name}** (τ {tau:.2f}); its map is above, on the left.",
        "与{method}最一致的头：**{name}**（τ {tau:.2f}），上方左边是它的注意力图。",
    ),
    "fig.attr_heatmap.not_converged": (
        "integrated gradients do not add up at this step: not to be trusted",
        "这一步的积分梯度加不上：不可信",
    ),
    "fig.head_map.title": ("Cross-attention of {which}", "{which}的交叉注意力"),
    "fig.head_map.one": ("layer {layer}, head {head}", "第 {layer} 层第 {head} 头"),
    "fig.head_map.average": ("layer {layer} (average of its heads)", "第 {layer} 层（各头平均）"),
    "explain.summary_ig": (
        "Each input on the model's own output; integrated gradients start with {steps} steps per row and refine a row "
        "up to {max_steps}; their numbers cover only the steps where they add up.",
        "每个输入都用模型自己的输出；积分梯度每行从 {steps} 步开始，需要时加密到 {max_steps} 步；"
        "它们的数值只覆盖加得上的那些步。",
    ),
    # --- end of issue 31's block -------------------------------------------------------------------------
    "fig.attr_heatmap.title": (
        "{method} (row t = y<sub>t</sub>, column i = x<sub>i</sub>)",
        "{method}（第 t 行 = y<sub>t</sub>，第 i 列 = x<sub>i</sub>）",
    ),
    "fig.attr_heatmap.label": ("score (row max = 1)", "分数（行最大 = 1）"),
    "fig.adversarial.title": (
        "Step t = {t}: α̃ as far from α as found (JSD {jsd:.2f}) while p(y<sub>t</sub>) moved {tvd:.3f}",
        "第 t = {t} 步：离 α 尽可能远的 α̃（JSD {jsd:.2f}），而 p(y<sub>t</sub>) 只变了 {tvd:.3f}",
    ),
    "fig.adversarial.alpha": ("the model's α<sub>{t}</sub>", "模型的 α<sub>{t}</sub>"),
    "fig.adversarial.tilde": ("adversarial α̃<sub>{t}</sub>", "对抗的 α̃<sub>{t}</sub>"),
    "fig.attr_bars.title": (
        "Every method at step t = {t} (emitting “{token}”), each scaled to its largest",
        "第 t = {t} 步（输出 “{token}”）的各方法分数，各自按最大值缩放",
    ),
    "fig.faithfulness.title": (
        "Permuting α<sub>t</sub>: output change against how peaked α<sub>t</sub> is",
        "置换 α<sub>t</sub>：输出变化与 α<sub>t</sub> 的集中程度",
    ),
    "fig.faithfulness.x": (
        "max<sub>i</sub> α<sub>t,i</sub> (how peaked α<sub>t</sub> is)",
        "max<sub>i</sub> α<sub>t,i</sub>（α<sub>t</sub> 的集中程度）",
    ),
    "fig.faithfulness.y": ("median TVD of p(y<sub>t</sub>)", "p(y<sub>t</sub>) 的 TVD 中位数"),
    "fig.topk.title": ("Top {k} candidates for y<sub>{t}</sub>", "y<sub>{t}</sub> 的前 {k} 个候选"),
    "fig.topk.forced_hover": ("{token}: forced by your what-if,", "{token}：由你的假设强制，"),
    "fig.context.title": ("Context {name} at each step{note}", "每一步的上下文 {name}{note}"),
    "fig.context.same": (": identical rows", "：各行完全相同"),
    "fig.context.units": ("the {n} units of {name}", "{name} 的 {n} 个分量"),
    "fig.context.hover": ("%{{y}} · unit %{{x}}: %{{z:.3f}}", "%{{y}} · 分量 %{{x}}：%{{z:.3f}}"),  # y: "t=3 c"
    "fig.flow.title": (
        "Step t = {t}: what y<sub>{t}</sub> reads ({what})",
        "第 t = {t} 步：y<sub>{t}</sub> 读取的内容（{what}）",
    ),
    "fig.play.title": (
        "Step t = {t} of {n}: the decoder emits “{token}” (p = {p})",
        "第 t = {t} 步（共 {n} 步）：解码器输出 “{token}”（p = {p}）",
    ),
    "fig.play.flow": ("What y<sub>t</sub> reads ({what})", "y<sub>t</sub> 读取的内容（{what}）"),
    "fig.play.alpha": ("α<sub>t,i</sub> over the source x<sub>i</sub>", "α<sub>t,i</sub> 在源 x<sub>i</sub> 上的分布"),
    "fig.play.topk": ("The top candidates for y<sub>t</sub>", "y<sub>t</sub> 的最佳候选"),
    "fig.flow.fixed_c": ("the fixed c", "固定的 c"),
    "fig.flow.to_c": ("encoder state → c = h<sub>T</sub>", "编码器状态 → c = h<sub>T</sub>"),
    "fig.flow.same_c": ("the same c at every step", "每一步都是同一个 c"),
    "fig.flow.output_row": ("output y", "输出 y"),
    "fig.flow.source_row": ("source x", "源 x"),
    "fig.target_probs.title": ("p(y<sub>t</sub>) of your target", "你的目标中各词元的 p(y<sub>t</sub>)"),
    "fig.p_sure": ("sure: p ≥ 0.5", "有把握：p ≥ 0.5"),
    "fig.p_unsure": ("unsure: p < 0.5", "没把握：p < 0.5"),
    "fig.output_probs.title": ("p(y<sub>t</sub>) of each output token", "每个输出词元的 p(y<sub>t</sub>)"),
    "fig.target_alpha.title": ("α while reading your target", "读入你的目标时的 α"),
    "fig.node_alpha.title": ("α along this hypothesis", "沿此假设的 α"),
    "fig.beam.title": (
        "Beam search, width {k}: {pruned} candidates pruned{hidden}, {finished} finished",
        "束搜索，束宽 {k}：剪掉 {pruned} 个候选{hidden}，完成 {finished} 个",
    ),
    "fig.beam.hidden": (" (hidden)", "（已隐藏）"),
    "fig.beam.step_axis": ("decoding step t", "解码步 t"),
    "fig.beam.colorbar": ("cumulative<br>log p", "累计<br>log p"),
    "fig.beam.hover": (
        "step {step}: {token} ({status})<br>log p(token) = {logp:.3f}<br>cumulative = {score:.3f}"
        "<br>normalised = {norm:.3f}",
        "第 {step} 步：{token}（{status}）<br>log p(词元) = {logp:.3f}<br>累计 = {score:.3f}<br>归一化 = {norm:.3f}",
    ),
    "fig.length.title": (
        "Exact match vs input length: the fixed-vector bottleneck",
        "完全匹配率与输入长度：固定向量的瓶颈",
    ),
    "fig.length.x": ("source length (characters)", "源序列长度（字符）"),
    "fig.length.y": ("exact match (%)", "完全匹配率（%）"),
    "fig.length.trained": ("training lengths {lo}–{hi}", "训练长度 {lo}–{hi}"),
    "fig.length.hover": (
        "length %{{x}}: %{{y:.1f}} % of %{{customdata}} inputs",
        "长度 %{{x}}：%{{customdata}} 个输入中 %{{y:.1f}} %",
    ),
    "fig.states.title": (
        "The states as paths (PCA axes fitted on many held-out inputs)",
        "状态的轨迹（在许多留出输入上拟合的 PCA 坐标轴）",
    ),
    "fig.states.encoder": ("encoder states h<sub>i</sub>", "编码器状态 h<sub>i</sub>"),
    "fig.states.decoder": ("decoder states s<sub>t</sub>", "解码器状态 s<sub>t</sub>"),
    "fig.states.c": ("fixed context c = h<sub>T</sub>", "固定上下文 c = h<sub>T</sub>"),
    "fig.states.c_mean": ("c = mean of the h<sub>i</sub>", "c = h<sub>i</sub> 的平均"),
    "fig.states.growth": ("{c} of inputs of T = 2, 3, … tokens", "T = 2, 3, … 个词元的输入的 {c}"),
    "fig.states.growth_hover": (
        "{c} of an input of T = %{{customdata}} tokens",
        "T = %{{customdata}} 个词元的输入的 {c}",
    ),
    "fig.errors.title": ("Error rate by {field}", "按{field}分组的错误率"),
    "fig.errors.y": ("wrong (%)", "错误（%）"),
    "fig.errors.hover": (
        "%{{customdata[0]}}: %{{y:.1f}} % wrong of %{{customdata[1]}}",
        "%{{customdata[0]}}：%{{customdata[1]}} 个中 %{{y:.1f}} % 错误",
    ),
    "fig.errors.log_prob": ("log p(y | x)", "log p(y | x)"),
    "fig.errors.entropy": ("attention entropy (nats)", "注意力熵（奈特）"),
    "fig.errors.coverage_deficit": ("coverage deficit (tokens)", "覆盖不足（词元数）"),
    "fig.errors.aer": ("AER", "对齐错误率"),
    "fig.errors.length": ("source length (tokens)", "源序列长度（词元）"),
    "fig.loss.title": ("Training loss", "训练损失"),
    "fig.alignment.title": (
        "Attention entropy (solid) and AER (dotted) of the probes",
        "探针样本的注意力熵（实线）与 AER（点线）",
    ),
    "fig.alignment.entropy": ("entropy of α (nats)", "α 的熵（奈特）"),
    "fig.alignment.aer": ("AER", "对齐错误率 AER"),
    "fig.loss.y": ("cross-entropy", "交叉熵"),
    "fig.accuracy.title": ("Held-out exact match", "留出集完全匹配率"),
    "fig.bleu.title": ("Held-out BLEU (every reference of a sentence)", "留出集 BLEU（一句的所有参考译文）"),
    "train.tokenizer.per_side": ("per side: {source} → {target}", "每侧各一个：{source} → {target}"),
    "train.real_note": (
        "Real sentences learn slowly: in a few minutes the probe's attention starts to line words up and the "
        "held-out BLEU climbs from 0; the shipped English → Chinese attention model trained 30 minutes on 2 cores "
        "(BLEU 27.4 on the test split).",
        "真实句子学得慢：几分钟内探针句的注意力开始把词对齐，留出集 BLEU 从 0 开始上升；随附的英→中注意力模型在 "
        "2 核机器上训练了 30 分钟（测试集 BLEU 27.4）。",
    ),
    "fig.step_axis": ("optimizer step", "优化步"),
    "fig.energies.title": (
        "Scores e<sub>{t},i</sub> and weights α<sub>{t},i</sub> at step t = {t}",
        "第 t = {t} 步的分数 e<sub>{t},i</sub> 与权重 α<sub>{t},i</sub>",
    ),
    "fig.energies.e": ("score e", "分数 e"),
    # --- task descriptions --------------------------------------------------------------------
    "task.char_span": (
        "{verb} a random string of {lo}-{hi} characters drawn from '{alphabet}'.",
        "{verb}一个由 “{alphabet}” 中的 {lo}–{hi} 个字符组成的字符串。",
    ),
    "task.copy.verb": ("Copy", "复制"),
    "task.reverse.verb": ("Reverse", "反转"),
    "task.sort.verb": ("Sort the characters of", "排序"),
    "task.copy": (
        "Output token j comes from source token j: the gold attention is the diagonal.",
        "输出的第 j 个词元来自源序列的第 j 个词元：标准注意力是对角线。",
    ),
    "task.reverse": (
        "Output token j comes from source token n-1-j, so the correct attention is the anti-diagonal.",
        "输出的第 j 个词元来自源序列的第 n-1-j 个词元，所以正确的注意力是反对角线。",
    ),
    "task.sort": (
        "Each output character comes from wherever that character sits in the source: the attention must search, "
        "not sweep.",
        "每个输出字符都来自该字符在源序列中的位置：注意力必须去搜索，而不是顺序扫过。",
    ),
    "task.dates.invalid": (
        "“{output}” is not a date that exists: the model wrote digits in the shape of one. It was trained on "
        "written dates only, so an input that is no date gets no meaningful answer.",
        "“{output}” 不是一个存在的日期：模型只是写出了日期形状的数字。它只在书面日期上训练过，"
        "所以不是日期的输入得不到有意义的答案。",
    ),
    "task.dates.outside": (
        "{output} lies outside the years {lo}–{hi} this model was trained on.",
        "{output} 不在此模型训练所用的 {lo}–{hi} 年范围内。",
    ),
    "task.numbers.invalid": (
        "“{output}” is not a number written in digits: the model's answer means nothing here.",
        "“{output}” 不是用数字写成的数：模型的回答在这里没有意义。",
    ),
    "task.numbers.outside": (
        "{output} lies outside the numbers {lo}–{hi} this model was trained on.",
        "{output} 不在此模型训练所用的 {lo}–{hi} 范围内。",
    ),
    "task.dates": (
        "Read a date written the way people write it — {n} CLDR format lengths ({formats}) of {locales}, years "
        "{lo}-{hi} — and write it as ISO 8601 (YYYY-MM-DD). The attention has to find the year, month and day "
        "wherever each locale puts them.",
        "读入人们日常书写的日期 — {locales} 的 {n} 种 CLDR 格式长度（{formats}），年份 {lo}–{hi} — "
        "并写成 ISO 8601 格式（YYYY-MM-DD）。注意力必须在每种语言环境放置年、月、日的位置找到它们。",
    ),
    "task.numbers": (
        "Turn number words ({languages}; {lo}-{hi}) into digits. German says the units before the tens "
        "(vierundsiebzig = 4 + 70, so the alignment crosses); French 'soixante-quatorze' is 60 + 14 = 74, not "
        "compositional digit by digit.",
        "把数字的文字写法（{languages}；{lo}–{hi}）转换成阿拉伯数字。德语先说个位再说十位"
        "（vierundsiebzig = 4 + 70，所以对齐会交叉）；法语 'soixante-quatorze' 是 60 + 14 = 74，不能逐位组合。",
    ),
    "task.translate": (
        "Translate English-like sentences (subject, verb, object, place) into a made-up language with "
        "subject-object-verb order, adjectives after nouns, postpositions, and case particles (ga = subject, "
        "wo = object) that no source word produces. The gold alignment crosses.",
        "把类似英语的句子（主语、动词、宾语、地点）翻译成一种虚构语言：主–宾–谓语序，形容词在名词之后，"
        "使用后置词，以及不由任何源词产生的格助词（ga = 主语，wo = 宾语）。标准对齐会交叉。",
    ),
    "task.pairs": (
        "Your own {n:,} source/target pairs from {source}.",
        "来自 {source} 的 {n:,} 个你自己的源/目标句对。",
    ),
    "task.en-zh": (
        "Translate real English sentences into Chinese (Simplified): {pairs:,} sentence pairs from the Tatoeba "
        "Project (CC BY 2.0 FR), {train:,} to train on and {test:,} test sentences that share no sentence, on "
        "either side, with training; a test sentence's every translation counts as a reference. English is "
        "lower-cased with punctuation split off and read word by word; Chinese is written one character at a "
        "time. The alignment crosses where the word order differs: Chinese puts time and place before the verb.",
        "把真实的英语句子翻译成中文（简体）：来自 Tatoeba 项目（CC BY 2.0 FR）的 {pairs:,} 个句对，"
        "其中 {train:,} 个用于训练，{test:,} 个测试句子的两种语言都不出现在训练集中；测试句子的每一个译文都算作参考译文。"
        "英语转为小写、标点单独分开，按词读入；中文逐字输出。语序不同的地方对齐会交叉：中文把时间和地点放在动词之前。",
    ),
    "task.zh-en": (
        "Translate real Chinese sentences (Simplified; Traditional input is converted) into English: {pairs:,} "
        "sentence pairs from the Tatoeba Project (CC BY 2.0 FR), {train:,} to train on and {test:,} test "
        "sentences that share no sentence, on either side, with training; a test sentence's every translation "
        "counts as a reference. Chinese is read one character at a time; English is written word by word, "
        "lower-cased with punctuation split off. The alignment crosses where the word order differs.",
        "把真实的中文句子（简体；输入的繁体字会被转换）翻译成英语：来自 Tatoeba 项目（CC BY 2.0 FR）的 {pairs:,} 个句对，"
        "其中 {train:,} 个用于训练，{test:,} 个测试句子的两种语言都不出现在训练集中；测试句子的每一个译文都算作参考译文。"
        "中文逐字读入；英语按词输出，转为小写、标点单独分开。语序不同的地方对齐会交叉。",
    ),
    # --- issue 28 §6: real sentences on every page (Beam's "try this", Compare, Errors, AER) ---
    "examples.beam_bleu_found": (
        "Found among {n} test sentences: on **{source}** beam search (width {k}) scores sentence BLEU **{b:.1f}** "
        "against its {refs} reference(s), greedy only **{g:.1f}** (sacrebleu, {tokenize} tokenisation).",
        "在 {n} 个测试句子中找到：对 **{source}**，束搜索（束宽 {k}）的句子级 BLEU 为 **{b:.1f}**，"
        "贪心解码只有 **{g:.1f}**（对照其 {refs} 个参考译文；sacrebleu，{tokenize} 分词）。",
    ),
    "examples.beam_bleu_this_one": (
        "This sentence makes the point: beam search (width {k}) scores sentence BLEU **{b:.1f}** against its {refs} "
        "reference(s), greedy only **{g:.1f}** (sacrebleu, {tokenize} tokenisation).",
        "这个句子正说明问题：对照其 {refs} 个参考译文，束搜索（束宽 {k}）的句子级 BLEU 为 **{b:.1f}**，"
        "贪心解码只有 **{g:.1f}**（sacrebleu，{tokenize} 分词）。",
    ),
    "examples.beam_bleu_credit": (
        "A sentence of the test split, never trained on. Source: {credit} (Tatoeba, CC BY 2.0 FR)",
        "测试集中的句子，从未用于训练。出处：{credit}（Tatoeba，CC BY 2.0 FR）",
    ),
    "examples.beam_bleu_none": (
        "Among {n} test sentences there is none where beam search (width {k}) scores a higher sentence BLEU than "
        "greedy decoding.",
        "在 {n} 个测试句子中，没有一个让束搜索（束宽 {k}）的句子级 BLEU 高于贪心解码。",
    ),
    "fig.score_length.title": (
        "BLEU and chrF vs source length on the test split: the fixed-vector bottleneck",
        "测试集上 BLEU 和 chrF 与源句长度：固定向量的瓶颈",
    ),
    "fig.score_length.x_word": (
        "source length (words; a punctuation mark counts as one)",
        "源句长度（词数，标点计为一个）",
    ),
    "fig.score_length.x_char": ("source length (characters)", "源句长度（字）"),
    "fig.score_length.y": ("score (0–100; BLEU solid, chrF dotted)", "得分（0–100；实线 BLEU，虚线 chrF）"),
    "fig.score_length.hover": (
        "length %{{x}}: {metric} %{{y:.1f}} on %{{customdata}} sentences",
        "长度 %{{x}}：%{{customdata}} 个句子上 {metric} 为 %{{y:.1f}}",
    ),
    "compare.score_caption": (
        "Greedy outputs of both models on all {n} test sentences, in {k} length buckets of about equally many "
        "sentences; scored against every reference of a source (sacrebleu; Chinese with zh tokenisation). Exact "
        "match, the toy tasks' measure, is near 0 at every length on real text. The gap between the lines that "
        "grows with length is the fixed c's bottleneck.",
        "两个模型对全部 {n} 个测试句子的贪心解码输出，按长度分成 {k} 组（每组句子数大致相同），对照每个源句的所有参考译文评分"
        "（sacrebleu；中文用 zh 分词）。玩具任务用的完全匹配率在真实文本上各长度都接近 0。两线之间随长度扩大的差距，就是固定向量 c 的瓶颈。",
    ),
    "aer.no_gold": ("no gold alignments", "无标准对齐"),
    "errors.rule_exact": (
        "Right = the output equals the task's answer exactly.",
        "“正确”= 输出与任务的答案完全一致。",
    ),
    "errors.rule_chrf": (
        "Right = **sentence chrF ≥ {threshold:.0f}** against every reference translation of the source (sacrebleu, "
        "on the text as a reader writes it): a real sentence has many right translations, and exact match is near "
        "0. The chrF column gives each score.",
        "“正确”= 对照源句的所有参考译文，**句子级 chrF ≥ {threshold:.0f}**（sacrebleu，按读者看到的文本计算）："
        "真实句子有许多正确译法，完全一致的比例接近 0。chrF 一列给出每句的得分。",
    ),
    "errors.no_gold": (
        "No AER: no gold word alignments exist for these pairs.",
        "没有对齐错误率（AER）：这些句对没有标准词对齐（no gold alignments）。",
    ),
    "errors.col.reference": ("a reference", "参考译文之一"),
    "errors.help.reference": (
        "the first of the source's reference translations; the output is scored against all of them",
        "源句的第一个参考译文；输出对照它的所有参考译文评分",
    ),
    "errors.col.chrf": ("chrF", "chrF 得分"),
    "errors.help.chrf": (
        "sentence chrF (0–100) of the output against every reference of the source: what decides right or wrong here",
        "输出对照源句所有参考译文的句子级 chrF（0–100）：这里据此判断对错",
    ),
    "translate.no_gold": (
        "No AER here: no gold word alignments exist for real sentence pairs.",
        "此处没有对齐错误率（AER）：真实句对没有标准词对齐。",
    ),
    "home.aer_help": (
        "Alignment error rate of the argmax-α alignment against the task's gold alignment (lower is better); real "
        "sentence pairs have no gold alignments.",
        "argmax-α 对齐相对任务标准对齐的对齐错误率（越低越好）；真实句对没有标准对齐。",
    ),
    "model.quality_bleu": (" · test BLEU {bleu:.1f}", " · 测试集 BLEU {bleu:.1f}"),
    "beam.sentence_bleu": (
        "sentence BLEU {bleu:.1f} against the {refs} reference(s)",
        "对照 {refs} 个参考译文的句子级 BLEU：{bleu:.1f}",
    ),
}


def variant_name(variant: str, lang: str = DEFAULT) -> str:
    """An attention variant's stable name ("luong+general+local4") in ``lang`` ("Luong, general,
    local-p, D = 4"): each part's own string, a part without one as it is."""
    names = []
    for part in variant.split("+"):
        if part.startswith("local") and part[5:].isdigit():
            names.append(text("variant.local", lang, d=int(part[5:])))
        elif f"score.{part}" in STRINGS:
            names.append(text(f"score.{part}", lang))
        else:
            names.append(text(f"variant.{part}", lang) if f"variant.{part}" in STRINGS else part)
    return ", ".join(names)


def text(key: str, lang: str = DEFAULT, /, **values) -> str:
    """The string ``key`` in ``lang`` ("en" | "zh"; anything else falls back to English),
    with ``values`` filled in by str.format (so a literal brace is written {{ or }})."""
    en, zh = STRINGS[key]
    template = zh if lang == "zh" else en
    return template.format(**values)
