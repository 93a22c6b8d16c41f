//! The `lvzhi` binary: parse arguments, run the job, print the cause chain in Chinese and
//! map the outcome to an exit code (0 success, 1 data errors, 2 usage or I/O errors).

fn main() {
    std::process::exit(lvzhi::main_with_args(std::env::args_os()));
}
