variable "vpc_id" {
  type = string
}

variable "ssh_port" {
  description = "Port sshd listens on"
  type        = number
  default     = 22
}
