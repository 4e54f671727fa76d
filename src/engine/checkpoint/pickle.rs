//! The part of Python's pickle format that `torch.save` writes for a state_dict, read from
//! untrusted bytes by a small machine that returns an error, never panics, and never allocates
//! more than the pickle's own length allows: every length is checked against the bytes left,
//! memo entries are shared rather than copied, nesting is bounded, and the work done is bounded
//! by a budget proportional to the input. It knows the opcodes of protocols 2–4 that torch and
//! Python's pickler emit for dicts, tuples, lists, numbers, strings, globals and persistent ids;
//! of the callables it knows only what a state_dict needs (`OrderedDict`, torch's tensor and
//! parameter rebuilders) and keeps anything else as an opaque object.
//!
//! (candle's `pickle::Stack` did this job before; damaged bytes reached `remove()` calls there
//! that panic, and a length field was allocated before it was checked, which in wasm kills the
//! worker.)

use std::rc::Rc;

use super::dtype::Dtype;

/// A pickled value, as far as a state_dict needs it.
#[derive(Clone, Debug)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    /// Bytes whose content nobody reads.
    Bytes,
    /// `module.name`, as `GLOBAL` names it.
    Global(Rc<(String, String)>),
    Tuple(Rc<Seq>),
    List(Rc<Seq>),
    Dict(Rc<Dict>),
    /// A storage named by a persistent id.
    Storage(Rc<Storage>),
    Tensor(Rc<Tensor>),
    /// An object of a class this reader does not read (its `module.name`).
    Opaque(Rc<str>),
}

/// The items of a tuple or list, and how deep it nests.
#[derive(Clone, Debug, Default)]
pub struct Seq {
    pub items: Vec<Value>,
    depth: u32,
}

/// A dict's entries in insertion order, and how deep it nests.
#[derive(Clone, Debug, Default)]
pub struct Dict {
    pub items: Vec<(Value, Value)>,
    depth: u32,
}

/// A storage as a persistent id names it: torch's type, its key (the zip entry or the legacy
/// key), and where a legacy view starts inside its root storage (in values).
#[derive(Clone, Debug, PartialEq)]
pub struct Storage {
    pub class: String,
    pub key: String,
    pub view_offset: usize,
}

impl Storage {
    pub fn dtype(&self) -> Option<Dtype> {
        Dtype::from_torch_storage(&self.class)
    }
}

/// A tensor as `_rebuild_tensor_v2` builds it: a window on a storage.
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    pub storage: Storage,
    /// Where it starts in its storage, in values.
    pub offset: usize,
    pub shape: Vec<usize>,
    pub stride: Vec<usize>,
}

/// Why a pickle could not be read (a developer's detail: the opcode and where).
#[derive(Clone, Debug, PartialEq)]
pub struct PickleError(pub String);

impl std::fmt::Display for PickleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// How deep values may nest (a state_dict nests about five deep).
const MAX_DEPTH: u32 = 64;

impl Value {
    fn depth(&self) -> u32 {
        match self {
            Value::Tuple(s) | Value::List(s) => s.depth,
            Value::Dict(d) => d.depth,
            Value::Tensor(_) | Value::Storage(_) => 1,
            _ => 0,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Value::None => "None",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::Bytes => "bytes",
            Value::Global(_) => "global",
            Value::Tuple(_) => "tuple",
            Value::List(_) => "list",
            Value::Dict(_) => "dict",
            Value::Storage(_) => "storage",
            Value::Tensor(_) => "tensor",
            Value::Opaque(_) => "object",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The items of a tuple or list.
    pub fn items(&self) -> Option<&[Value]> {
        match self {
            Value::Tuple(s) | Value::List(s) => Some(&s.items),
            _ => None,
        }
    }

    fn usize(&self) -> Option<usize> {
        match self {
            Value::Int(i) => usize::try_from(*i).ok(),
            _ => None,
        }
    }
}

fn seq(items: Vec<Value>) -> Result<Rc<Seq>, PickleError> {
    let depth = 1 + items.iter().map(Value::depth).max().unwrap_or(0);
    if depth > MAX_DEPTH {
        return Err(PickleError(format!("values nest deeper than {MAX_DEPTH}")));
    }
    Ok(Rc::new(Seq { items, depth }))
}

/// The reading machine: the stack, the marks, the memo and the work budget.
struct Machine<'a> {
    bytes: &'a [u8],
    at: usize,
    stack: Vec<Value>,
    marks: Vec<usize>,
    memo: std::collections::HashMap<u32, Value>,
    budget: u64,
    /// Turns a persistent id into a value (the storage it names).
    persistent: &'a dyn Fn(&Value) -> Result<Value, PickleError>,
}

impl<'a> Machine<'a> {
    fn fail<T>(&self, what: impl std::fmt::Display) -> Result<T, PickleError> {
        Err(PickleError(format!("{what} at byte {}", self.at)))
    }

    fn spend(&mut self, units: u64) -> Result<(), PickleError> {
        match self.budget.checked_sub(units) {
            Some(b) => {
                self.budget = b;
                Ok(())
            }
            None => self.fail("the pickle asks for more work than its size allows"),
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], PickleError> {
        let Some(end) = self.at.checked_add(n).filter(|&e| e <= self.bytes.len()) else {
            return self.fail(format!("it ends while {n} more bytes are needed"));
        };
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8, PickleError> {
        Ok(self.take(1)?[0])
    }

    fn le<const N: usize>(&mut self) -> Result<[u8; N], PickleError> {
        let mut b = [0u8; N];
        b.copy_from_slice(self.take(N)?);
        Ok(b)
    }

    /// A length field: checked against the bytes left before anything is read or kept.
    fn len(&mut self, n: u64) -> Result<usize, PickleError> {
        let left = (self.bytes.len() - self.at) as u64;
        if n > left {
            return self.fail(format!("a length of {n} bytes runs past the end"));
        }
        Ok(n as usize)
    }

    fn line(&mut self) -> Result<String, PickleError> {
        let rest = &self.bytes[self.at..];
        let Some(n) = rest.iter().position(|&b| b == b'\n') else {
            return self.fail("a line has no end");
        };
        let s = std::str::from_utf8(&rest[..n])
            .map_err(|_| PickleError(format!("a name is not text at byte {}", self.at)))?
            .to_string();
        self.at += n + 1;
        Ok(s)
    }

    fn text(&mut self, n: u64) -> Result<Value, PickleError> {
        let n = self.len(n)?;
        let at = self.at;
        let s = std::str::from_utf8(self.take(n)?)
            .map_err(|_| PickleError(format!("a string is not UTF-8 at byte {at}")))?;
        Ok(Value::Str(Rc::from(s)))
    }

    fn skip_bytes(&mut self, n: u64) -> Result<Value, PickleError> {
        let n = self.len(n)?;
        self.take(n)?;
        Ok(Value::Bytes)
    }

    fn push(&mut self, v: Value) -> Result<(), PickleError> {
        self.spend(1)?;
        self.stack.push(v);
        Ok(())
    }

    fn pop(&mut self) -> Result<Value, PickleError> {
        let floor = self.marks.last().copied().unwrap_or(0);
        if self.stack.len() <= floor {
            return self.fail("the stack is empty");
        }
        Ok(self.stack.pop().expect("checked above"))
    }

    fn top(&mut self) -> Result<&mut Value, PickleError> {
        let floor = self.marks.last().copied().unwrap_or(0);
        if self.stack.len() <= floor {
            return self.fail("the stack is empty");
        }
        Ok(self.stack.last_mut().expect("checked above"))
    }

    /// The values above the last mark, the mark removed.
    fn pop_mark(&mut self) -> Result<Vec<Value>, PickleError> {
        let Some(m) = self.marks.pop() else {
            return self.fail("no mark to pop to");
        };
        Ok(self.stack.split_off(m))
    }

    fn memo_put(&mut self, key: u32) -> Result<(), PickleError> {
        let v = self.top()?.clone();
        if self.memo.len() >= 1 << 20 && !self.memo.contains_key(&key) {
            return self.fail("the memo grows past a million entries");
        }
        self.memo.insert(key, v);
        Ok(())
    }

    fn memo_get(&mut self, key: u32) -> Result<(), PickleError> {
        let Some(v) = self.memo.get(&key).cloned() else {
            return self.fail(format!("memo entry {key} was never stored"));
        };
        self.push(v)
    }

    /// Appends values to the list on top of the stack (copied first if the memo shares it).
    fn extend_list(&mut self, values: Vec<Value>) -> Result<(), PickleError> {
        let added = values.len() as u64;
        let depth = values.iter().map(Value::depth).max().unwrap_or(0);
        let top = self.top()?;
        let Value::List(list) = top else {
            let kind = top.kind();
            // Appending to an object of another kind (a custom class) is ignored.
            if kind == "object" {
                return Ok(());
            }
            return self.fail(format!("APPEND to a {kind}"));
        };
        let shared = Rc::strong_count(list) > 1;
        let cost = added + if shared { list.items.len() as u64 } else { 0 };
        let list = Rc::make_mut(list);
        list.items.extend(values);
        list.depth = list.depth.max(depth + 1);
        let too_deep = list.depth > MAX_DEPTH;
        self.spend(cost)?;
        if too_deep {
            return self.fail(format!("values nest deeper than {MAX_DEPTH}"));
        }
        Ok(())
    }

    /// Sets key–value pairs on the dict on top of the stack.
    fn set_items(&mut self, values: Vec<Value>) -> Result<(), PickleError> {
        if !values.len().is_multiple_of(2) {
            return self.fail("SETITEMS with an odd number of values");
        }
        let added = values.len() as u64;
        let depth = values.iter().map(Value::depth).max().unwrap_or(0);
        let top = self.top()?;
        let Value::Dict(dict) = top else {
            let kind = top.kind();
            if kind == "object" {
                return Ok(());
            }
            return self.fail(format!("SETITEM on a {kind}"));
        };
        let shared = Rc::strong_count(dict) > 1;
        let cost = added + if shared { dict.items.len() as u64 } else { 0 };
        let dict = Rc::make_mut(dict);
        let mut it = values.into_iter();
        while let (Some(k), Some(v)) = (it.next(), it.next()) {
            dict.items.push((k, v));
        }
        dict.depth = dict.depth.max(depth + 1);
        let too_deep = dict.depth > MAX_DEPTH;
        self.spend(cost)?;
        if too_deep {
            return self.fail(format!("values nest deeper than {MAX_DEPTH}"));
        }
        Ok(())
    }

    /// `callable(*args)` for the callables a state_dict uses; anything else is opaque.
    fn call(&mut self, callable: Value, args: Value) -> Result<Value, PickleError> {
        let Value::Global(g) = &callable else {
            return self.fail(format!("REDUCE on a {}", callable.kind()));
        };
        let (module, name) = (g.0.as_str(), g.1.as_str());
        let args = args.items().unwrap_or(&[]);
        match (module, name) {
            ("collections", "OrderedDict") => Ok(Value::Dict(Rc::new(Dict::default()))),
            ("torch._utils", "_rebuild_tensor_v2" | "_rebuild_tensor") => {
                tensor(args).map_err(|e| PickleError(format!("{e} at byte {}", self.at)))
            }
            ("torch._utils", "_rebuild_parameter" | "_rebuild_parameter_with_state") => {
                match args.first() {
                    Some(t @ Value::Tensor(_)) => Ok(t.clone()),
                    _ => self.fail("a parameter without its tensor"),
                }
            }
            _ => Ok(Value::Opaque(Rc::from(format!("{module}.{name}")))),
        }
    }

    fn run(&mut self) -> Result<Value, PickleError> {
        loop {
            self.spend(1)?;
            let op = self.u8()?;
            match op {
                0x80 => {
                    let proto = self.u8()?;
                    if proto > 5 {
                        return self.fail(format!("unknown protocol {proto}"));
                    }
                }
                0x95 => {
                    self.le::<8>()?;
                }
                b'.' => {
                    let v = self.pop()?;
                    return Ok(v);
                }
                b'(' => {
                    if self.marks.len() >= 1 << 16 {
                        return self.fail("too many marks");
                    }
                    self.marks.push(self.stack.len());
                }
                b')' => self.push(Value::Tuple(Rc::new(Seq::default())))?,
                b']' => self.push(Value::List(Rc::new(Seq::default())))?,
                b'}' => self.push(Value::Dict(Rc::new(Dict::default())))?,
                b'N' => self.push(Value::None)?,
                0x88 => self.push(Value::Bool(true))?,
                0x89 => self.push(Value::Bool(false))?,
                b'K' => {
                    let v = self.u8()?;
                    self.push(Value::Int(v as i64))?
                }
                b'M' => {
                    let v = u16::from_le_bytes(self.le()?);
                    self.push(Value::Int(v as i64))?
                }
                b'J' => {
                    let v = i32::from_le_bytes(self.le()?);
                    self.push(Value::Int(v as i64))?
                }
                0x8a => {
                    let n = self.u8()? as usize;
                    let b = self.take(n)?;
                    if n > 8 {
                        // Only torch's magic number is this long; its value is not needed.
                        self.push(Value::Opaque(Rc::from("long")))?
                    } else {
                        let fill = if b.last().is_some_and(|&x| x & 0x80 != 0) {
                            0xff
                        } else {
                            0
                        };
                        let mut w = [fill; 8];
                        w[..n].copy_from_slice(b);
                        self.push(Value::Int(i64::from_le_bytes(w)))?
                    }
                }
                b'G' => {
                    let v = f64::from_be_bytes(self.le()?);
                    self.push(Value::Float(v))?
                }
                b'X' => {
                    let n = u32::from_le_bytes(self.le()?) as u64;
                    let v = self.text(n)?;
                    self.push(v)?
                }
                0x8c => {
                    let n = self.u8()? as u64;
                    let v = self.text(n)?;
                    self.push(v)?
                }
                0x8d => {
                    let n = u64::from_le_bytes(self.le()?);
                    let v = self.text(n)?;
                    self.push(v)?
                }
                b'T' | b'B' => {
                    let n = u32::from_le_bytes(self.le()?) as u64;
                    let v = self.skip_bytes(n)?;
                    self.push(v)?
                }
                b'U' | b'C' => {
                    let n = self.u8()? as u64;
                    let v = self.skip_bytes(n)?;
                    self.push(v)?
                }
                0x8e => {
                    let n = u64::from_le_bytes(self.le()?);
                    let v = self.skip_bytes(n)?;
                    self.push(v)?
                }
                b'c' => {
                    let module = self.line()?;
                    let name = self.line()?;
                    self.push(Value::Global(Rc::new((module, name))))?
                }
                0x93 => {
                    let name = self.pop()?;
                    let module = self.pop()?;
                    match (module.as_str(), name.as_str()) {
                        (Some(m), Some(n)) => {
                            let g = Value::Global(Rc::new((m.to_string(), n.to_string())));
                            self.push(g)?
                        }
                        _ => return self.fail("STACK_GLOBAL without two names"),
                    }
                }
                b't' => {
                    let items = self.pop_mark()?;
                    self.spend(items.len() as u64)?;
                    let s = seq(items)?;
                    self.push(Value::Tuple(s))?
                }
                0x85..=0x87 => {
                    let n = (op - 0x84) as usize;
                    let mut items = Vec::with_capacity(n);
                    for _ in 0..n {
                        items.push(self.pop()?);
                    }
                    items.reverse();
                    let s = seq(items)?;
                    self.push(Value::Tuple(s))?
                }
                b'l' => {
                    let items = self.pop_mark()?;
                    self.spend(items.len() as u64)?;
                    let s = seq(items)?;
                    self.push(Value::List(s))?
                }
                b'd' => {
                    let items = self.pop_mark()?;
                    self.push(Value::Dict(Rc::new(Dict::default())))?;
                    self.set_items(items)?
                }
                b'a' => {
                    let v = self.pop()?;
                    self.extend_list(vec![v])?
                }
                b'e' => {
                    let items = self.pop_mark()?;
                    self.extend_list(items)?
                }
                b's' => {
                    let v = self.pop()?;
                    let k = self.pop()?;
                    self.set_items(vec![k, v])?
                }
                b'u' => {
                    let items = self.pop_mark()?;
                    self.set_items(items)?
                }
                b'R' => {
                    let args = self.pop()?;
                    let callable = self.pop()?;
                    let v = self.call(callable, args)?;
                    self.push(v)?
                }
                0x81 => {
                    let _args = self.pop()?;
                    let class = self.pop()?;
                    let name = match &class {
                        Value::Global(g) => format!("{}.{}", g.0, g.1),
                        _ => return self.fail("NEWOBJ without a class"),
                    };
                    self.push(Value::Opaque(Rc::from(name)))?
                }
                b'b' => {
                    // The state an object is built with (an OrderedDict's `_metadata`): unread.
                    let _state = self.pop()?;
                    self.top()?;
                }
                b'Q' => {
                    let pid = self.pop()?;
                    let v = (self.persistent)(&pid)
                        .map_err(|e| PickleError(format!("{e} at byte {}", self.at)))?;
                    self.push(v)?
                }
                b'q' => {
                    let k = self.u8()? as u32;
                    self.memo_put(k)?
                }
                b'r' => {
                    let k = u32::from_le_bytes(self.le()?);
                    self.memo_put(k)?
                }
                0x94 => {
                    let k = u32::try_from(self.memo.len()).unwrap_or(u32::MAX);
                    self.memo_put(k)?
                }
                b'h' => {
                    let k = self.u8()? as u32;
                    self.memo_get(k)?
                }
                b'j' => {
                    let k = u32::from_le_bytes(self.le()?);
                    self.memo_get(k)?
                }
                b'0' => {
                    self.pop()?;
                }
                b'1' => {
                    self.pop_mark()?;
                }
                b'2' => {
                    let v = self.top()?.clone();
                    self.push(v)?
                }
                other => {
                    self.at -= 1;
                    return self.fail(format!("opcode 0x{other:02x} is not one torch.save writes"));
                }
            }
        }
    }
}

/// `_rebuild_tensor_v2(storage, offset, size, stride, …)`.
fn tensor(args: &[Value]) -> Result<Value, PickleError> {
    let (Some(Value::Storage(storage)), Some(offset), Some(size), Some(stride)) =
        (args.first(), args.get(1), args.get(2), args.get(3))
    else {
        return Err(PickleError(
            "a tensor is not rebuilt from (storage, offset, size, stride)".into(),
        ));
    };
    let dims = |v: &Value| -> Option<Vec<usize>> { v.items()?.iter().map(Value::usize).collect() };
    let (Some(offset), Some(shape), Some(stride)) = (offset.usize(), dims(size), dims(stride))
    else {
        return Err(PickleError(
            "a tensor's offset, size or stride is not made of whole numbers".into(),
        ));
    };
    if shape.len() != stride.len() {
        return Err(PickleError(format!(
            "a tensor has {} sizes and {} strides",
            shape.len(),
            stride.len()
        )));
    }
    Ok(Value::Tensor(Rc::new(Tensor {
        storage: (**storage).clone(),
        offset,
        shape,
        stride,
    })))
}

/// Reads one pickle from `bytes` starting at `*at` and moves `*at` past it. `persistent` turns
/// a persistent id into the storage it names.
pub fn read(
    bytes: &[u8],
    at: &mut usize,
    persistent: &dyn Fn(&Value) -> Result<Value, PickleError>,
) -> Result<Value, PickleError> {
    let start = (*at).min(bytes.len());
    let mut m = Machine {
        bytes,
        at: start,
        stack: Vec::new(),
        marks: Vec::new(),
        memo: std::collections::HashMap::new(),
        // Generous for any real pickle (about one unit per byte), bounded for any input.
        budget: 64 * (bytes.len() - start) as u64 + 4096,
        persistent,
    };
    let v = m.run()?;
    *at = m.at;
    Ok(v)
}

/// The storage a persistent id names: `('storage', class, key, location, numel)` in the zip
/// format, with a sixth item in the legacy one (`None`, or a view's `(key, offset, size)`).
pub fn storage_id(pid: &Value) -> Result<Value, PickleError> {
    let items = pid.items().unwrap_or(&[]);
    let bad = || {
        PickleError(format!(
            "a persistent id that is not a storage ({})",
            pid.kind()
        ))
    };
    if items.first().and_then(Value::as_str) != Some("storage") || items.len() < 5 {
        return Err(bad());
    }
    let class = match &items[1] {
        Value::Global(g) => g.1.clone(),
        Value::Str(s) => s.to_string(),
        _ => return Err(bad()),
    };
    let key = items[2].as_str().ok_or_else(bad)?.to_string();
    let (key, view_offset) = match items.get(5).and_then(Value::items) {
        // A legacy view: its own key, its offset in the root storage.
        Some([view_key, offset, ..]) => {
            let _ = view_key;
            (key, offset.usize().ok_or_else(bad)?)
        }
        _ => (key, 0),
    };
    Ok(Value::Storage(Rc::new(Storage {
        class,
        key,
        view_offset,
    })))
}

#[cfg(test)]
#[path = "pickle_tests.rs"]
mod tests;
