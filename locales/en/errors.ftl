# ConvNet Atlas: errors (en). Keys start with "errors-".
# Every message the worker sends the page when something fails, and the photo lab's own. A
# `detail` argument is a developer's detail (a tensor's name, the browser's exception, a byte
# offset) and stays in English; a `reason` or `problem` argument is another message.

## Joining
errors-list = { $first }; { $rest }

## Files the page serves
errors-fetch-failed = { $url } could not be fetched: { $detail }
errors-fetch-http = { $url }: HTTP { $status }

## Downloading weights
errors-download-unreadable = the download cannot be read
errors-download-stopped = the download stopped after { $got } of { $total } bytes
errors-download-too-big = the download goes on past the size of any checkpoint of { $network }: it is not a checkpoint of this network
errors-download-failed = the download of { $label } failed ({ $detail }): the server could not be reached. Check the address and your connection; or save the file from { $url } and open it here, or run `atlas fetch-weights { $model }`
errors-download-http = the download of { $label } failed: the server answered HTTP { $status }
errors-download-interrupted = the download of { $label } was interrupted: { $reason }
errors-download-cancelled = the download of { $label } was cancelled
errors-download-cors = { $host } does not let other sites download { $label } (its server sends no CORS permission): save the file from { $url } and open it here, or run `atlas fetch-weights { $model }` to serve it with the page
errors-cache-full = the browser's storage is full, so { $label } was not kept for the next visit: the network runs from memory now; delete kept weights below to make room
errors-cache-not-kept = { $label } was not kept for the next visit ({ $detail }); the network runs from memory now
errors-unloaded-evicted = these weights were unloaded to keep the networks in memory within { $limit } MiB
errors-cache-unreadable = the copy of { $label } kept in this browser's cache cannot be read: { $reason }

## Loading weights
errors-load-failed = { $source }: { $reason }
errors-source-cached = { $label } (from this browser's cache)
errors-prepare-failed = the engine could not prepare the weights: { $detail }
errors-worker-stopped = the worker that runs the networks stopped ({ $reason }); a new one was started: try again
errors-unloaded-worker-restarted = the worker that runs the networks stopped and a new one was started, but weights opened from a file cannot be loaded again by themselves: open the file again
errors-unknown-network = unknown network '{ $network }'
errors-checkpoint-empty = the weights file is empty
errors-checkpoint-convert = a tensor of the checkpoint cannot be converted: { $detail }
errors-checkpoint-mismatch = this checkpoint does not fit { $network }: { $problems }{ $more ->
        [0] {""}
       *[other] {" "}… and { $more } more
    }
errors-checkpoint-missing-key = missing key '{ $key }' (expected shape { $shape })
errors-checkpoint-wrong-shape = key '{ $key }' has shape { $got } but { $network } needs { $want }
errors-checkpoint-unexpected-key = unexpected key '{ $key }' (shape { $shape }) not used by { $network }
errors-checkpoint-duplicate-key = key '{ $key }' appears twice
errors-checkpoint-values = tensor '{ $key }' holds { $count } values, not the number its shape { $shape } holds

## PyTorch checkpoints (.pth)
errors-pth-is-safetensors = this looks like a .safetensors file, not a PyTorch .pth: give it a .safetensors name
errors-pth-not-checkpoint = this is not a PyTorch checkpoint: a .pth file is a zip archive or a pickle stream written by torch.save, and this file is neither
errors-pth-no-state-dict = the checkpoint holds no state_dict (its top-level object is not a dictionary)
errors-pth-no-tensors = the checkpoint holds no tensors
errors-pth-strides = tensor '{ $tensor }' is stored with strides { $strides } that this reader does not support
errors-pth-truncated-tensor = the checkpoint is truncated: tensor '{ $tensor }' needs bytes { $start }..{ $end } of a storage that has { $size }
errors-pth-dtype = tensor '{ $tensor }' has an unsupported type { $dtype }
errors-pth-zip-damaged = the .pth archive is damaged or truncated ({ $detail }); download it again
errors-pth-no-data-pkl = this zip archive is not a PyTorch checkpoint (it has no data.pkl inside)
errors-pth-data-pkl-unreadable = cannot read the checkpoint's data.pkl: { $detail }
errors-pth-storage-damaged = the .pth archive is damaged: storage of '{ $tensor }' cannot be read ({ $detail })
errors-pth-pickle-unreadable = the checkpoint's pickle cannot be read ({ $detail }); the file may be truncated
errors-pth-storage-key = a storage key is not text
errors-pth-no-storage-list = the checkpoint's list of storages is missing
errors-pth-truncated-storage-missing = the checkpoint is truncated: storage '{ $storage }' is missing ({ $size } bytes in the file)
errors-pth-truncated-storage = the checkpoint is truncated: storage '{ $storage }' needs { $needed } bytes at offset { $offset }, the file has { $size }
errors-pth-storage-missing = storage '{ $storage }' of '{ $tensor }' is missing

## .safetensors files
errors-safetensors-not = this is not a .safetensors file (its header is not JSON)
errors-safetensors-header-json = this is not a .safetensors file (its header is not JSON: { $detail })
errors-safetensors-tensor = tensor '{ $tensor }': { $problem }
errors-safetensors-dtype = has an unsupported type { $dtype }
errors-safetensors-size = its data ({ $bytes } bytes) does not fit its shape { $shape }
errors-safetensors-entry = its entry in the header is malformed ({ $detail })
errors-safetensors-rank = its shape has { $rank } dimensions
errors-safetensors-too-big = its shape { $shape } has too many values to exist
errors-safetensors-overlap = its data overlaps the tensor before it, which ends at byte { $at } of the data
errors-safetensors-gap = its data leaves a gap after byte { $at } of the data
errors-safetensors-trailing = the file goes on after its last tensor (it should end at byte { $size }): it is damaged
errors-safetensors-too-short = the weights file is too short to be a .safetensors file
errors-safetensors-truncated-header = the .safetensors file is truncated: its header alone needs { $needed } bytes, the file has { $size }
errors-safetensors-header-too-long = its header claims { $size } bytes, far more than any checkpoint of { $network } has: the file is damaged or not for this network
errors-safetensors-truncated = the .safetensors file is damaged or truncated: it ends after { $size } bytes, tensor '{ $tensor }' needs { $needed }

## Photos
errors-file-unreadable = { $name } cannot be read
errors-not-web-address = '{ $url }' is not a web address (it should start with https://)
errors-url-empty = enter the web address (https://…) of a .pth or .safetensors file, or use the button above
errors-sample-unreadable = the sample photo could not be read: { $reason }
errors-photo-empty = { $name } is empty (0 bytes)
errors-photo-cannot-use = { $name } cannot be used: { $reason }
errors-photo-refused = the browser refused to decode it
errors-photo-undecodable = it is not an image this browser can decode (a damaged or unsupported file?)
errors-photo-no-page = this page has no document to decode the photo in
errors-photo-no-canvas = the browser cannot make a canvas to read it
errors-photo-not-drawn = { $name } cannot be drawn
errors-photo-pixels-unreadable = { $name }: the browser cannot read its pixels
errors-photo-bad-pixels = { $name } cannot be used: { $detail }
errors-photo-unusable = the photo cannot be used: { $detail }

## Running networks in the worker
errors-not-loaded = the weights of '{ $model }' are not loaded (or were unloaded to save memory)
errors-classify-no-weights = load the weights of '{ $model }' before classifying a photo
errors-unloaded = '{ $model }' was unloaded
errors-forward-failed = the network could not run: { $detail }
errors-no-node = '{ $model }' has no node { $node }
errors-no-photo-yet = no photo has run through '{ $model }' yet
errors-nothing-run-yet = nothing has run through '{ $model }' yet
errors-input-unreadable = { $network } reads an input this page cannot make (neither a photo nor a 32×32 digit)
errors-no-input-node = the network has no input node
errors-no-output = the network gave no output
errors-gradient-failed = the gradient could not be computed: { $detail }
errors-top5-no-photo = classify a photo in a network's photo lab first
errors-top5-not-loaded = its weights are not loaded.
errors-top5-not-a-photo = this network reads a drawn digit, not a photo: draw one on its page
errors-input-not-square = { $network } takes a { $height }×{ $width } input
errors-classify-first = classify a photo with '{ $model }' first
errors-occlusion-square = the square's side must be between { $min } and { $side } pixels
errors-occlusion-stride = the stride must be between { $min } and { $side } pixels
errors-occlusion-failed = the occlusion map failed: { $reason }
errors-saliency-failed = the saliency map failed: { $reason }
errors-self-check-failed = the engine failed its self-check: { $detail }
errors-gradient-flow-failed = the gradient-flow experiment failed: { $detail }
errors-digits-not-a-pack = the training digits are not a packed MNIST subset ({ $detail })
errors-digits-truncated = the training digits are damaged or truncated: { $size } bytes where { $needed } were expected
errors-training-failed = training stopped: { $reason }
errors-training-nothing = nothing has been trained yet: start a run first
errors-training-no-digits = the training digits could not be loaded ({ $reason }); a build made without ../shared/data/mnist has none (see static/data/README.md)
errors-training-lost = the worker stopped and was started again: the run in it is lost; start it again
