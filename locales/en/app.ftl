# ConvNet Atlas: the page's frame — header, language and engine choice, status line, picker.
app-title = ConvNet Atlas
app-document-title = ConvNet Atlas — the classic CNNs, run in your browser
app-tagline = The classic convolutional networks, run for real in your browser: every layer's shape, parameters, multiply-adds and receptive field, and every feature map. Nothing leaves this page.
app-lang-label = Language
app-lang-choose = Language of the page

## The status line
app-status-compute = Runs on:
app-status-engine-title = The engine the last forward pass ran on (before any, the one the next will run on)
app-status-choice = Engine chosen:
app-status-choice-label = Engine
app-choice-auto = Auto
app-choice-webgpu = WebGPU
app-choice-cpu = CPU
app-engine-webgpu = WebGPU
app-engine-cpu = CPU (packed, wasm SIMD)
app-engine-none = none
app-engine-starting = starting…
app-worker-starting = worker starting…
app-worker-ready = worker ready, engine self-check passed
app-worker-check-wrong = engine self-check gave wrong values: { $values }
app-worker-restarted = the worker stopped ({ $reason }) and a new one started{ $count ->
        [0] {""}
       *[other] , reloading { $reloaded }
    }
app-worker-restarted-lost = ; open again from their files: { $lost }
app-worker-gave-up = the worker stopped again ({ $reason }): reload the page
app-worker-none = no worker is running

## Why this engine (the status line's note)
app-note-looking = looking for WebGPU…
app-note-fell-back = { $reason }; fell back to the CPU engine
app-note-cpu-chosen = CPU chosen
app-note-cpu-chosen-unused = CPU chosen; WebGPU adapter “{ $adapter }”{ $software ->
        [1] {" "}(a software adapter)
       *[0] {""}
    } unused
app-note-no-webgpu = no WebGPU: { $reason }
app-note-software-adapter = WebGPU adapter “{ $adapter }” is a software one, slower than the CPU engine: choose WebGPU to use it anyway
app-note-adapter-found = WebGPU adapter “{ $adapter }”{ $software ->
        [1] {" "}(a software adapter)
       *[0] {""}
    } found
app-note-on-adapter = on WebGPU adapter “{ $adapter }”{ $software ->
        [1] {" "}(a software adapter)
       *[0] {""}
    }

## Why there is no WebGPU, or why it stopped
app-gpu-no-navigator = no navigator object
app-gpu-missing = this browser has no WebGPU (navigator.gpu is missing)
app-gpu-no-request = navigator.gpu.requestAdapter is missing
app-gpu-request-threw = requestAdapter threw
app-gpu-no-adapter = WebGPU is present but offered no adapter
app-gpu-request-failed = requestAdapter failed: { $detail }
app-gpu-start-failed = the WebGPU engine could not start: { $detail }
app-gpu-prepare-failed = preparing { $network } on the GPU failed: { $detail }
app-gpu-fault = { $detail }

## Keyboard and small screens
app-skip = Skip to the network's page
app-menu = Networks
