# ConvNet Atlas：页面框架——标题、语言与引擎选择、状态栏、网络列表。
app-title = ConvNet Atlas
app-document-title = ConvNet Atlas —— 在浏览器里运行经典卷积神经网络
app-tagline = 经典卷积神经网络，真正在你的浏览器里运行：每一层的形状、参数量、乘加次数和感受野，以及每一张特征图。数据不会离开本页面。
app-lang-label = 语言
app-lang-choose = 页面语言

## 状态栏
app-status-compute = 运行于：
app-status-engine-title = 上一次前向传播所用的引擎（尚未运行时，为下一次将用的引擎）
app-status-choice = 选择的引擎：
app-status-choice-label = 引擎
app-choice-auto = 自动
app-choice-webgpu = WebGPU
app-choice-cpu = CPU
app-engine-webgpu = WebGPU
app-engine-cpu = CPU（packed 引擎，wasm SIMD）
app-engine-none = 无
app-engine-starting = 正在启动…
app-worker-starting = Worker 正在启动…
app-worker-ready = Worker 已就绪，引擎自检通过
app-worker-check-wrong = 引擎自检结果错误：{ $values }
app-worker-restarted = Worker 已停止（{ $reason }），已启动新的 Worker{ $count ->
        [0] {""}
       *[other] ，正在重新加载 { $reloaded }
    }
app-worker-restarted-lost = ；请重新打开这些网络的权重文件：{ $lost }
app-worker-gave-up = Worker 再次停止（{ $reason }）：请重新加载页面
app-worker-none = 没有正在运行的 Worker

## 为什么用这个引擎（状态栏的说明）
app-note-looking = 正在查找 WebGPU…
app-note-fell-back = { $reason }；已改用 CPU 引擎
app-note-cpu-chosen = 已选择 CPU
app-note-cpu-chosen-unused = 已选择 CPU；WebGPU 适配器“{ $adapter }”{ $software ->
        [1] （软件适配器）
       *[0] {""}
    }未使用
app-note-no-webgpu = 没有 WebGPU：{ $reason }
app-note-software-adapter = WebGPU 适配器“{ $adapter }”是软件实现，比 CPU 引擎还慢；如仍要使用，请选择 WebGPU
app-note-adapter-found = 找到 WebGPU 适配器“{ $adapter }”{ $software ->
        [1] （软件适配器）
       *[0] {""}
    }
app-note-on-adapter = 运行在 WebGPU 适配器“{ $adapter }”{ $software ->
        [1] （软件适配器）
       *[0] {""}
    }上

## 为什么没有 WebGPU，或它为什么停止
app-gpu-no-navigator = 没有 navigator 对象
app-gpu-missing = 此浏览器不支持 WebGPU（缺少 navigator.gpu）
app-gpu-no-request = 缺少 navigator.gpu.requestAdapter
app-gpu-request-threw = requestAdapter 抛出了异常
app-gpu-no-adapter = 浏览器支持 WebGPU，但没有提供适配器
app-gpu-request-failed = requestAdapter 失败：{ $detail }
app-gpu-start-failed = WebGPU 引擎无法启动：{ $detail }
app-gpu-prepare-failed = 在 GPU 上准备 { $network } 失败：{ $detail }
app-gpu-fault = GPU 出错：{ $detail }

## 键盘与小屏幕
app-skip = 跳到网络页面
app-menu = 网络列表
